"""English texts. Keys and placeholders must match texts_es.py."""

EN: dict[str, str] = {
    # Onboarding
    "welcome_new": "Hi, {name}! 👋 I'm <b>Minka</b>: I help you find out who works at your "
    "school and coordinate activities with other organizations.",
    "privacy_notice": "<b>Before we start: your data</b>\n"
    "• <b>What I store:</b> your name, language, whether you teach or which organization you "
    "work for, your school, and what you announce or follow.\n"
    "• <b>Why:</b> so that people who work at the same schools can find each other and "
    "coordinate.\n"
    "• <b>Who sees it:</b> your name and organization appear next to what you publish; your "
    "contact only if you allow it.\n"
    "• <b>How long:</b> your data, until you use /forgetme. Notices I send you on my own keep "
    "their text for {days} days; after that only the fact that they were sent remains.\n"
    "• <b>Responsible:</b> the Minka team. We never sell or share your data.\n"
    "• <b>Your rights (Peru's Law 29733):</b> /mydata sends you everything I store about you "
    "and /forgetme erases it. /privacy shows this notice.\n\n"
    "If you don't agree, I store nothing. Do you agree?",
    "btn_accept": "I agree",
    "btn_decline": "I don't agree",
    "consent_declined": "Understood: I stored nothing about you. If you change your mind, "
    "send /start.",
    "ask_name": "Thank you. What's your name? Tap the button or type your name.",
    "btn_use_name": "Use “{name}”",
    "name_invalid": "I can't use that name: type 2 to 64 characters, for example “Rosa Quispe”.",
    "ask_role": "Nice to meet you, {name}. Where do you work?",
    "btn_role_teacher": "Teacher",
    "btn_role_ngo": "NGO or foundation",
    "btn_role_institution": "Other institution",
    "ask_org": "What is your organization called? Type its name, for example “Fundación Ayni”.",
    "org_matches": "I found these organizations. Do you work for one of them?",
    "org_no_match": "I didn't find “{name}” among the registered organizations.",
    "btn_org_create": "➕ Create “{name}”",
    "btn_org_retype": "✏️ Type another name",
    "org_invalid": "Type your organization's name (up to 100 characters).",
    "org_joined": "Done: you are part of <b>{org}</b>.",
    "registered": "Welcome to Minka, {name}! 🎉",
    "off_script": "I didn't get that. Please answer the question above (with the buttons, if "
    "there are any), or send /cancel to leave.",
    # Main menu and help
    "main_menu": "Hi, {name}. What would you like to do?\n\n{commands}",
    "help": "<b>What I can do</b>\n\n{commands}\n\nYou can send /cancel at any time to leave "
    "whatever you are doing.",
    "help_line": "/{command} — {description}",
    "cmd_more": "See everything I can do",
    "cmd_start": "Start or see the menu",
    "cmd_help": "See the commands",
    "cmd_language": "Change the language",
    "cmd_cancel": "Leave what you are doing",
    "cmd_privacy": "See the privacy notice",
    "cmd_mydata": "Get all your data",
    "cmd_forgetme": "Erase all your data",
    # Language
    "choose_language": "Choose your language:",
    "language_set": "Done, I'll write to you in English.",
    "language_set_newcomer": "Send /start to see the privacy notice in English.",
    # Cancel and stale input
    "cancelled": "Done, we'll leave it here. Send /start whenever you want to continue.",
    "nothing_to_cancel": "There is nothing to cancel. Send /help to see what I can do.",
    "flow_expired": "This was left unfinished for more than 30 minutes, so I dropped it. Start "
    "again whenever you like.",
    "stale_button": "That button is no longer active.",
    "stale_button_hint": "That button belongs to a conversation that has ended. Send /start to "
    "continue.",
    "register_first": "Please register first: send /start (it takes a minute).",
    "unknown_command": "I don't know that command. Send /help to see the ones there are.",
    # Privacy rights
    "privacy_intro": "This is the notice you accepted on {date}:",
    "privacy_not_member": "I store no data about you. This is the notice you will see when you "
    "register:",
    "mydata_caption": "Everything Minka stores about you.",
    "mydata_none": "I store no data about you.",
    "forget_confirm": "Are you sure? I will erase your name, organization, school, what you "
    "follow, your roles and your acceptance of the notice. The activities and notices you "
    "published stay, without your name. This cannot be undone.",
    "btn_forget_yes": "Yes, erase me",
    "btn_forget_no": "No, cancel",
    "forget_done": "Done: I erased your data. If you send /start again, you'll start afresh.",
    "forget_kept": "I erased nothing.",
    # Schools: search, card, who works here, QR, a teacher's school
    "search_prompt": "Type the school's name, its código modular or its district, for example "
    "“2045 ate”. You can also share your location 📍.",
    "search_results": "Schools for “{query}”:",
    "search_results_page": "More schools for “{query}”:",
    "search_none": "I found no schools for “{query}”. Try fewer words, the código modular "
    "(7 digits) or the district.",
    "search_none_newcomer": "I found no schools for “{query}”. To start using Minka, send "
    "/start. To find a school, type its name, código modular or district.",
    "btn_more": "More ▸",
    "school_button": "{name} — {district}",
    "nearest_title": "The schools nearest to your location:",
    "nearest_none": "I found no registered schools near that location.",
    "nearest_button": "{name} — {distance}",
    "card_title": "🏫 <b>{name}</b>",
    "card_level": "{level}",
    "card_code": "Código modular: <code>{code}</code>",
    "card_address": "📍 {address}",
    "card_place": "{place}",
    "card_ugel": "🏛 {ugel}",
    "card_people": "👥 On Minka: {teachers:# registered teacher|# registered teachers}",
    "btn_who": "Who works here?",
    "btn_qr": "📌 QR code",
    "who_title": "<b>Who works at {name}?</b>",
    "who_teachers": "👩‍🏫 Teachers registered on Minka: {count}",
    "who_contact": "• {name} (@{username})",
    "who_more_contacts": "• … and {count:# more person|# more people}",
    "who_no_organizations": "No organization has registered activities here yet.",
    "who_invite": "Do you know someone who works here? Share this link: {link}",
    "school_gone": "That school is no longer in the registry. Please search for it again.",
    "usage_who": "Send /who and the school's name or code, for example “/who {example}”.",
    "usage_qr": "Send /qr and the school's name or code, for example “/qr {example}”.",
    "pick_school": "Which of these schools?",
    "qr_caption": "{name}\nScan the code to see this school on Minka.",
    "qr_footer": "Scan to see who works here",
    "ask_school": "Which school do you teach at? Type its name or código modular, or share "
    "your location 📍.",
    "btn_skip_school": "I'll say later",
    "school_set": "Done: your school is <b>{name}</b>.",
    "school_skipped": "That's fine. You can set your school any time with /myschool.",
    "myschool_current": "Your school is <b>{name}</b>. If you changed schools, type the new "
    "one's name or code, or /cancel.",
    "myschool_teachers_only": "Only teachers register their school. You can look up any school "
    "by typing its name.",
    "inline_open": "Open in Minka",
    "inline_description": "{place} · {code}",
    "distance_m": "{meters} m",
    "distance_km": "{km} km",
    "cmd_search": "Find a school",
    "cmd_who": "See who works at a school",
    "cmd_qr": "A school's QR code",
    "cmd_myschool": "Change your school (teachers)",
    # Profile
    "profile": "<b>Your profile</b>\nName: {name}\nProfile: {role}\n{details}Language: {language}\n"
    "Contact visible: {contact}",
    "profile_organization": "Organization: {organization}\n",
    "profile_school": "School: {school}\n",
    "contact_shown": "yes (@{username})",
    "contact_hidden": "no",
    "btn_edit_name": "✏️ Correct my name",
    "btn_edit_org": "🏢 Change organization",
    "ask_new_name": "Type your name as you want it shown (2 to 64 characters).",
    "profile_updated": "✅ Done, I updated your profile.",
    "btn_share_contact": "Show my contact",
    "btn_hide_contact": "Hide my contact",
    "contact_needs_username": "To show your contact you need a Telegram username "
    "(Settings › Username). Then come back to /profile.",
    "contact_now_shown": "Done: people who look at your school will see your contact @{username}.",
    "contact_now_hidden": "Done: your contact is no longer shown.",
    "cmd_profile": "See your profile and contact",
    # Activities: announcing
    "cmd_announce": "Announce an activity",
    "cmd_activities": "See, edit or cancel your activities",
    "announce_private_only": "To announce, write to me privately and tap “📣 Announce here” there.",
    "btn_announce_here": "📣 Announce here",
    "announce_pick_school": "Which school is the activity at? Pick one or type its name or "
    "código modular.",
    "announce_school_chosen": "🏫 <b>{school}</b>\nWhat is the activity called? For example "
    "“Eye health campaign”.",
    "title_invalid": "The title must have 1 to 120 characters, for example “Reading workshop”.",
    "ask_category": "What kind of activity is “{title}”?",
    "category_salud": "Health",
    "category_lectura": "Reading and education",
    "category_docentes": "Teachers",
    "category_deporte": "Sports",
    "category_arte": "Arts",
    "category_donacion": "Donation",
    "category_infraestructura": "Infrastructure",
    "category_otro": "Other",
    "ask_when": "When does it start? Type, for example, “next monday at 9”, “15/12 10:00” or "
    "“tomorrow 9-11”.",
    "confirm_when": "<b>{when}</b> — is that right?",
    "note_assumed_pm": "(I read the hour as p.m.)",
    "note_assumed_am": "(I read the hour as a.m.)",
    "note_bare_day": "(I took the next day {day}: the one in {month}.)",
    "note_next_year": "(That date has passed this year: I took next year.)",
    "note_weekday_mismatch": "(Note: the weekday does not match the date; I kept the date.)",
    "note_far_future": "(Note: that is more than a year away.)",
    "note_fallback": "(Please check the date: I understood it only roughly.)",
    "btn_yes": "Yes",
    "btn_change": "Change",
    "when_not_understood": "I didn't understand the date “{text}”. Pick the day on the "
    "calendar, or type it another way:",
    "when_in_past": "<b>{when}</b> has already passed. Pick another day, or type it:",
    "pick_day": "Pick the day, or type it (for example “friday 10am”):",
    "pick_hour": "<b>{day}</b>: what time does it start?",
    "ask_duration": "How long does it last? Pick one, or type for example “until 12”.",
    "btn_prev_month": "◀",
    "btn_next_month": "▶",
    "btn_1h": "1 h",
    "btn_2h": "2 h",
    "btn_3h": "3 h",
    "btn_morning": "Until 1 PM",
    "btn_afternoon": "Until 6 PM",
    "btn_day": "All day (until 5 PM)",
    "duration_invalid": "I didn't understand until when. Type, for example, “until 12”, or pick "
    "a button.",
    "ask_description": "Would you like to add a description (up to 1000 characters)? Type it or "
    "tap “Skip”.",
    "btn_skip": "Skip",
    "description_invalid": "The description can have up to 1000 characters; yours has "
    "{length:# character|# characters}.",
    "preview": "<b>Preview</b>\n\n{activity}\n\n{clashes}Shall I publish it?",
    "activity_full": "📌 <b>{title}</b> · {category}\n🏫 {school}\n🗓 {when} – {end}\n👤 {who}",
    "activity_description": "\n📝 {description}",
    "clash_header": "⚠️ <b>Heads-up:</b>\n",
    "clash_line": "• {who} has “{title}” at {school} that same day from {start} to {end}.\n",
    "clash_more": "• … and {count:# more activity|# more activities} at that time.\n",
    "clash_footer": "You can publish anyway (I'll let them know) or change the time.\n\n",
    "btn_publish": "Publish",
    "btn_change_time": "Change the time",
    "btn_discard": "Cancel",
    "published": "✅ Published. It shows on the card of {school}.",
    "announce_discarded": "Done, I published nothing.",
    "heads_up": "👋 A note from Minka: {who} announced “{title}” at {school} ({when}), which "
    "overlaps with your activity “{mine}” ({mine_when}). To coordinate, write to them with the "
    "button below.",
    "oneline_usage": "Quick form:\n/announce school | title | when | duration | category "
    "(optional)\nFor example: /announce {example} | Reading workshop | monday 10am | 2 h | reading",
    "oneline_school_unknown": "I found no school “{code}”. Use its código modular or its name.",
    "oneline_when_unknown": "I didn't understand the date “{text}”. Try “monday 10am” or "
    "“15/12 9:00”.",
    "oneline_duration_unknown": "I didn't understand the duration “{text}”. Use, for example, "
    "“2 h” or “until 12”.",
    "by_teachers": "The school's teachers",
    # Activities: managing
    "activities_none": "There are no upcoming activities. Announce one with /announce.",
    "activities_list": "<b>Upcoming activities</b> ({owner}). Pick one to edit or cancel it:",
    "activity_button": "{date} · {title}",
    "btn_edit_title": "✏️ Title",
    "btn_edit_time": "🗓 Date and time",
    "btn_edit_description": "📝 Description",
    "btn_cancel_activity": "❌ Cancel activity",
    "not_allowed": "Only the person who announced this activity, their organization, "
    "coordinators and administrators can change it.",
    "activity_gone": "That activity no longer exists.",
    "activity_not_scheduled": "That activity is already {status}; it can't be changed.",
    "status_cancelled": "cancelled",
    "status_done": "done",
    "status_not_held": "marked as not held",
    "status_rescheduled": "rescheduled",
    "status_scheduled": "scheduled",
    "ask_new_title": "Type the new title (up to 120 characters).",
    "ask_new_time": "Type the new date and time, for example “friday 10am”. The duration stays "
    "the same.",
    "ask_new_description": "Type the new description, or “-” to remove it.",
    "activity_updated": "✅ Activity updated:\n\n{activity}",
    "ask_cancel_reason": "Why is “{title}” cancelled? Type the reason or tap “No reason”.",
    "btn_no_reason": "No reason",
    "activity_cancelled": "❌ I cancelled “{title}”. It no longer shows on the school's card.",
    "reason_invalid": "The reason can have up to 300 characters.",
    # Activities: reminders and check-ins
    "reminder": "⏰ Reminder: “{title}” at {school} starts on {when}.",
    "checkin": "Did “{title}” at {school} ({when}) take place?",
    "btn_checkin_done": "Yes",
    "btn_checkin_not_held": "No",
    "btn_checkin_rescheduled": "It was rescheduled",
    "ask_participants": "Great! How many participants were there? Type a number.",
    "participants_invalid": "Type just a number from 0 to 100000, for example 35.",
    "checkin_thanks": "Thank you, it's recorded. 🙌",
    "checkin_rescheduled": "Thank you. When you have the new date, announce it with /announce.",
    # Activities on the school card and in /quien
    "card_upcoming_header": "<b>Upcoming activities</b>",
    "card_upcoming_line": "• {when} — {title} ({who})",
    "card_organizations": "🤝 Organizations with activities: {count}",
    "who_organizations_header": "<b>Organizations active here</b>",
    "who_organization_line": "• <b>{name}</b>{verified} ({kind}): "
    "{count:# activity|# activities}; last: "
    "{last}; next: {next}",
    "kind_ngo": "NGO or foundation",
    "kind_institution": "institution",
    "kind_teachers": "teachers",
    "no_date": "—",
    # Following and notifications
    "btn_follow": "🔔 Follow",
    "btn_unfollow": "🔕 Unfollow",
    "btn_follow_district": "🔔 Follow district {district}",
    "btn_follow_org": "🔔 Follow {org}",
    "followed": "🔔 Done: you follow {name}; I'll tell you about its activities.",
    "already_following": "You already follow {name}.",
    "unfollowed": "🔕 You no longer follow {name}.",
    "not_following": "You were not following {name}; there was nothing to remove.",
    "subscriptions_none": "You don't follow anything yet. Open a school's card and tap “🔔 "
    "Follow”, or send /subscribe and a school's name.",
    "subscriptions": "<b>What you follow</b>\n{lines}\n\nMode: {mode}. Tap an item to unfollow it.",
    "subscription_line": "• {kind}: {name}",
    "follow_kind_school": "School",
    "follow_kind_district": "District",
    "follow_kind_organization": "Organization",
    "mode_instant": "instant (every update right away)",
    "mode_daily": "daily summary at 7:00",
    "btn_mode_daily": "⏰ Switch to a daily summary",
    "btn_mode_instant": "⚡ Switch to instant",
    "btn_remove": "✖ {name}",
    "mode_set": "Done: mode set to {mode}.",
    "usage_subscribe": "Send /subscribe and the school's name or code, for example "
    "“/subscribe {example}”.",
    "group_greeting": "Hi! I'm Minka 👋 I tell about the activities at schools. A group "
    "administrator can link this group to its school with /link and the school's name or code.",
    "link_admins_only": "Only the group's administrators can link or unlink it.",
    "link_groups_only": "This is used inside a group: add me to your school's group and send "
    "/link there.",
    "linked": "✅ This group will receive the updates of {name}.",
    "unlinked": "Done: this group will no longer receive school updates.",
    "not_linked": "This group was not linked to any school.",
    "usage_link": "Send /link and the school's name or code, for example “/link {example}”.",
    "notification_created": "🆕 {who} announced “{title}” at {school}: {when}.",
    "notification_updated": "✏️ “{title}” at {school} changed: it is now {when}.",
    "notification_cancelled": "❌ “{title}” at {school} ({when}) was cancelled.",
    "notification_reason": "Reason: {reason}",
    "btn_view_school": "See school",
    "digest_header": "<b>Your daily Minka summary</b>",
    "digest_more": "… and {count:# more update|# more updates}. Send /subscriptions to adjust "
    "what you follow.",
    "cmd_subscribe": "Follow a school",
    "cmd_subscriptions": "See and change what you follow",
    "cmd_link": "Link this group to a school",
    "cmd_unlink": "Unlink this group",
    # Coordinators: broadcasts, roles, verification, bans
    "cmd_broadcast": "Broadcast a notice (coordinators)",
    "cmd_broadcasts": "See your broadcasts",
    "cmd_verify": "Verify an organization (coordinators)",
    "cmd_grant": "Grant a role (administrators)",
    "cmd_revoke": "Revoke a role (administrators)",
    "cmd_ban": "Make Minka ignore someone (administrators)",
    "coordinators_only": "Only coordinators can broadcast notices. If you coordinate a network, "
    "a UGEL or a foundation, ask a Minka administrator to give you that role.",
    "admins_only": "Only Minka administrators can do this.",
    "broadcast_pick_audience": "📢 Who is the notice for?",
    "audience_school": "A school",
    "audience_district": "A district",
    "audience_province": "A province",
    "audience_region": "A region",
    "audience_organization": "My organization",
    "audience_everyone": "Everyone",
    "broadcast_ask_school": "Type the school's name or código modular.",
    "broadcast_ask_place": "Type the place's name (for example “Ate” or “Puno”).",
    "broadcast_places": "Which of these places?",
    "broadcast_no_places": "I found no places for “{text}” within what you coordinate. Try "
    "another name.",
    "broadcast_out_of_scope": "That audience is outside what you coordinate.",
    "broadcast_ask_text": "Audience: <b>{audience}</b>.\nType the notice (up to 3500 characters).",
    "broadcast_text_invalid": "The notice must have 1 to 3500 characters; yours has "
    "{length:# character|# characters}.",
    "broadcast_ask_ack": "Shall I add a “Received ✅” button to know who read it?",
    "btn_with_ack": "Yes, with “Received ✅”",
    "btn_without_ack": "No, no button",
    "broadcast_header": "📢 <b>Notice from {name}</b>{organization}",
    "broadcast_header_org": " ({organization})",
    "broadcast_preview": "<b>This is what they will see:</b>\n\n{message}\n\n──────\nIt will "
    "reach {people:# person|# people} and {groups:# group|# groups}. Shall I send it?",
    "broadcast_nobody": "That audience has nobody on Minka yet; there is no one to send to.",
    "btn_send": "Send",
    "btn_received": "Received ✅",
    "broadcast_sending": "📤 Sending to {count:# chat|# chats}. I'll tell you when it's done.",
    "broadcast_discarded": "Done, I sent nothing.",
    "broadcast_report": "📢 Your notice “{excerpt}”: delivered to {delivered}; {blocked} "
    "blocked the bot; {failed} failed; {acknowledged} marked Received ✅.",
    "broadcast_limit_hour": "You already sent {count:# notice|# notices} in the last hour, the "
    "maximum. "
    "Please wait a little before the next one.",
    "broadcast_limit_everyone": "A notice to everyone was already sent today; that is the daily "
    "maximum.",
    "announce_limit_day": "You already announced {count:# activity|# activities} today, the daily "
    "maximum. "
    "You can announce more tomorrow.",
    "ack_thanks": "Thank you! Marked as received.",
    "ack_already": "You had already marked it as received.",
    "broadcasts_none": "You haven't broadcast any notice yet.",
    "broadcasts_list": "<b>Your notices</b>\n{lines}",
    "broadcast_line": "• {date} — “{excerpt}” ({audience}): {delivered}/{recipients} delivered, "
    "{blocked} blocked, {failed} failed, {acknowledged} ✅, {pending} pending",
    "usage_verify": "Send /verify and the organization's name.",
    "verify_pick": "Which organization shall I verify?",
    "verified_done": "✔️ {name} now shows as verified.",
    "org_not_found": "I found no organization “{name}”.",
    "usage_grant": "Usage: /grant &lt;id or @username&gt; coordinator [scope: 2, 4 or 6 ubigeo "
    "digits]. For example: /grant 123456789 coordinator 1501",
    "usage_revoke": "Usage: /revoke &lt;id or @username&gt; coordinator [scope]",
    "usage_ban": "Usage: /ban &lt;id or @username&gt; [reason]",
    "user_unknown": "I don't know “{who}”. Use their Telegram number, or their @username if "
    "they share it on Minka.",
    "scope_invalid": "The scope “{scope}” is not valid: use 2, 4 or 6 digits of an existing "
    "ubigeo.",
    "role_granted": "Done: {who} is now {role}{scope}.",
    "role_revoked": "Done: I removed the {role} role from {who} ({count}).",
    "role_coordinator": "a coordinator",
    "role_admin": "an administrator",
    "scope_suffix": " in {scope}",
    "banned_done": "Done: Minka will ignore {who}.",
    # Errors
    "error_generic": "Oops, something went wrong on our side. The team has been told; please "
    "try again in a moment.",
    "error_busy": "I'm very busy right now. Please try again in a few seconds.",
    "admin_error_alert": "⚠️ Minka error ({kind}): {detail}",
    # Roles as shown to people
    "role_teacher": "Teacher",
    "role_ngo": "NGO or foundation",
    "role_institution": "Other institution",
    # Exports (/export) and calendar feeds (/calendar)
    "export_sheet_activities": "Activities",
    "export_sheet_presence": "Organizations by district",
    "export_sheet_quiet": "Schools without activity",
    "export_col_id": "Minka ID",
    "export_col_org": "Organization",
    "export_col_org_type": "Organization type",
    "export_col_verified": "Verified",
    "export_col_sector": "Sector",
    "export_col_activity": "Activity",
    "export_col_description": "Description",
    "export_col_country": "Country",
    "export_col_adm1": "Department",
    "export_col_adm1_code": "Department ubigeo",
    "export_col_adm2": "Province",
    "export_col_adm2_code": "Province ubigeo",
    "export_col_adm3": "District",
    "export_col_adm3_code": "District ubigeo",
    "export_col_school_code": "School code (código modular)",
    "export_col_school": "School",
    "export_col_level": "Level",
    "export_col_start": "Start",
    "export_col_end": "End",
    "export_col_status": "Status",
    "export_col_reached": "Participants",
    "export_col_source": "Source",
    "export_col_activities": "Activities",
    "export_col_schools": "Schools",
    "export_yes": "yes",
    "export_no": "no",
    "export_source_org": "Minka: announced by the organization",
    "export_source_teachers": "Minka: announced by the school's teachers",
    "feed_name_follows": "Minka: what I follow",
    "feed_name_of": "Minka: {name}",
    "feed_summary_status": "{title} ({status})",
    "feed_by": "Run by: {organization}",
    "cmd_export": "Export activities to Excel (3W)",
    "cmd_calendar": "Your calendar: a link for your phone",
    "export_not_allowed": "Exporting is for coordinators and for people who work at an "
    "organization registered in Minka. If you coordinate a network or a UGEL, ask an "
    "administrator for the role.",
    "export_usage": "Send /export to choose what to export, or /export followed by an ubigeo "
    "(15, 1501, 150135) or a school code, and optionally two dates: "
    "/export 1501 01/03/2027 31/03/2027",
    "export_scope_unknown": "I could not find «{code}»: use an ubigeo of 2, 4 or 6 digits or a "
    "7-digit school code from the registry.",
    "export_scope_not_allowed": "You cannot export {scope}: it is outside your scope.",
    "export_bad_day": "«{text}» is not a date: write it as 01/03/2027 or 2027-03-01.",
    "export_end_before_start": "The second date is before the first. Write the start date "
    "first, then the end date.",
    "export_too_long_period": "That period is too long: one export covers ten years at most.",
    "export_pick_scope": "📊 What do you want to export?",
    "export_pick_period": "📊 {scope}\nWhich period?",
    "export_pick_format": "📊 {scope}, {period}\nWhich format?",
    "export_btn_tm": "This month",
    "export_btn_lm": "Last month",
    "export_btn_ty": "This year",
    "export_other_period": "For another period send /export {code} and two dates, for "
    "example: /export {code} 01/03/2027 31/03/2027",
    "export_btn_xlsx": "Excel (.xlsx)",
    "export_btn_xlsx_csv": "Excel and CSV",
    "export_preparing": "⏳ Preparing the file of {scope}, {period}…",
    "export_caption": "📊 {scope}, {period}: {count:# activity|# activities}. The second row "
    "holds the HXL tags.",
    "export_caption_csv": "📄 The same activities as CSV (UTF-8).",
    "export_too_large": "The file would be {size} MB and Telegram accepts up to 50 MB. Choose a "
    "shorter period or a smaller scope.",
    "export_already_sent": "I already sent you that file above.",
    "export_period_days": "{first} to {last}",
    "export_scope_everywhere": "All of Peru",
    "export_scope_region": "Department of {name}",
    "export_scope_province": "Province of {name}",
    "export_scope_district": "District of {name}",
    "export_scope_school": "{name} ({code})",
    "export_scope_organization": "{name}",
    "calendar_needs_start": "Register first with /start: your calendar shows what you follow.",
    "calendar_follows": "📅 <b>Your Minka calendar</b>: the activities of the schools, "
    "districts and organizations you follow.",
    "calendar_nothing_followed": "You follow nothing yet: follow schools with /subscribe and "
    "they will show up here.",
    "calendar_of": "📅 <b>Calendar of {name}</b> in Minka.",
    "calendar_how": "Link to subscribe:\n<code>{url}</code>\n\n"
    "• iPhone or Mac: open {webcal}\n"
    "• Google Calendar (on a computer): «Other calendars» → «From URL», paste the link.\n"
    "• Outlook: «Add calendar» → «Subscribe from web».\n\n"
    "Changes and cancellations show up when your calendar refreshes (Google takes 8 to 24 "
    "hours). Do not share the link: whoever has it sees this calendar.",
    "calendar_btn_renew": "🔄 New link",
    "calendar_btn_my_org": "📅 Calendar of {name}",
    "calendar_renewed": "🔄 Done: the old link no longer works. Subscribe with the new one.",
    "calendar_already_renewed": "That link had already been changed: use the latest one.",
    "calendar_unknown_target": "That school or organization is no longer in Minka.",
    "calendar_usage": "Send /calendar for your calendar, or /calendar and a school's name or "
    "code for that school's.",
    "btn_school_calendar": "📅 School calendar",
    "export_col_daily": "Same hours each day",
    # The coordinator's web overview: /panel in the chat and the pages of bot.web.panel.
    "cmd_panel": "Web overview of your scope (map, 3W, gaps)",
    "panel_needs_start": "Register with /start first: the overview shows your scope, your "
    "organization or your school.",
    "panel_unavailable": "The web overview is not available right now. Please try later.",
    "panel_intro": "🗺 <b>Minka overview</b>: the map of your schools, the 3W matrix, gaps and "
    "overlaps.\n\nOn your phone, tap below. On a computer, open this personal link (it works "
    "<b>once</b> and expires in 10 minutes; do not share it):\n{url}",
    "panel_intro_link_only": "🗺 <b>Minka overview</b>: the map of your schools, the 3W matrix, "
    "gaps and overlaps.\n\nOpen it with this personal link (it works <b>once</b> and expires in "
    "10 minutes; do not share it):\n{url}",
    "panel_btn_open": "🗺 Open overview",
    "web_title": "Minka · Overview",
    "web_nav_overview": "Map and schools",
    "web_nav_matrix": "3W matrix",
    "web_nav_gaps": "Gaps",
    "web_nav_overlaps": "Overlaps",
    "web_nav_export": "Download Excel",
    "web_scope": "Scope",
    "web_from": "From",
    "web_to": "To",
    "web_apply": "Show",
    "web_summary": "{schools:# school|# schools} · {active} with activity · "
    "{activities:# activity|# activities}",
    "web_legend_none": "no activity",
    "web_legend_one": "one organization",
    "web_legend_many": "several organizations",
    "web_map_note": "The map needs JavaScript and a connection; the list below shows every school.",
    "web_col_school": "School",
    "web_col_district": "District",
    "web_col_level": "Level",
    "web_col_orgs": "Organizations",
    "web_col_activities": "Activities",
    "web_col_last": "Last activity",
    "web_col_org": "Organization",
    "web_col_when": "When",
    "web_col_what": "What",
    "web_col_total": "Total",
    "web_own_teachers": "The school's teachers",
    "web_matrix_by_category": "Organizations × categories (activities)",
    "web_matrix_by_district": "Organizations × districts (activities)",
    "web_gaps_intro": "{count:# school|# schools} with no activity at all in "
    "{days:the last day|the last # days}.",
    "web_days": "Days",
    "web_sort_district": "by district",
    "web_sort_level": "by level",
    "web_never": "never",
    "web_overlaps_intro": "{count:# overlap|# overlaps}: activities of different organizations "
    "at the same school, at the same time or of the same category in the same week. Call both "
    "to coordinate.",
    "web_overlaps_more": "Showing the first {shown} of {count}: choose a shorter period or a "
    "smaller scope to see them all.",
    "web_overlap_same_time": "at the same time",
    "web_overlap_same_week": "same category, same week",
    "web_nothing": "Nothing to show in this period.",
    "web_activities_of": "Activities of {org}",
    "web_school_upcoming": "Upcoming activities",
    "web_school_past": "Past activities",
    "web_school_contacts": "Contacts (who agreed to be reachable)",
    "web_forbidden": "You do not have access to that scope. Go back to your overview.",
    "web_not_found": "I could not find that page.",
    "web_bad_address": "I cannot read that address: check the dates (YYYY-MM-DD) and the scope, "
    "or go back to the overview.",
    "web_login_needed": "To see the overview, send /panel in Minka's chat and open the link or "
    "the button I send you.",
    "web_link_used": "This link was already used (it works once). Ask for a new one with /panel "
    "in Minka's chat.",
    "web_link_expired": "This link has expired (it lasts 10 minutes). Ask for a new one with "
    "/panel in Minka's chat.",
    "web_link_unknown": "This link is not valid. Ask for a new one with /panel in Minka's chat.",
    "web_webapp_failed": "I could not confirm your Telegram account. Close this window and open "
    "the overview again with /panel.",
    "web_too_many": "Too many attempts in a row. Wait a minute and try again.",
    "web_export_too_large": "That file would be too large. Choose a shorter period or a smaller "
    "scope.",
    "web_back": "Back to the overview",
    "panel_nothing_to_show": "The overview shows a coordinator's scope, your organization's "
    "schools or your school: you have none yet. Join your organization with /start or choose "
    "your school with /myschool.",
    # Dates, part two (issue 13): a note for every guess, the one-line form, spans of days
    "note_day_or_hour": "(I read {number} as the hour. If you meant day {number}, pick it below.)",
    "note_this_week": "(I took this week's {weekday}, not next week's.)",
    "note_no_date": "(You gave no day: I took the nearest, {weekday} {day}.)",
    "note_from_now": "(Counted from now.)",
    "pick_hour_part": "<b>{day}</b>, {part}: what time does it start?",
    "part_morning": "in the morning",
    "part_afternoon": "in the afternoon",
    "part_night": "in the evening",
    "part_early": "early in the morning",
    "no_hours_left": "There are no hours left to start that day. Pick another day, or type it:",
    "ends_before_start": "That would be {end}, before it starts ({start}). Until what time does "
    "it last?",
    "oneline_category_unknown": "I don't know the category “{text}”. Use one of these: "
    "{categories}.",
    "oneline_school_ambiguous": "Several schools match “{text}”: {names}. Type its código "
    "modular (/school shows it).",
    "category_suggested": "(From the title, it looks like “{category}”.)",
    "each_day": "{end} (each day)",
    "btn_change_date": "Change the date",
    "announce_replaced": "(I set aside the preview that was waiting for “Publish”: “{title}”.)",
    "span_too_long": "An activity can last up to 31 days; “{text}” is {days}. Type other dates, or "
    "pick the first day:",
    # No dead ends: one way to name a place (bot/views/places.py)
    "place_district": "the district of {name}",
    "place_province": "the province of {name}",
    "place_region": "the {name} region",
    "place_school": "{name}",
    "place_organization": "{name}",
    "school_with_level": "{name} ({level})",
    # No dead ends: typed answers and the question asked again (handlers/conversations.py)
    "ask_again_buttons": "“{text}” is not one of the options. Tap a button or type one of "
    "them; /cancel to leave.",
    "ask_again": "I did not understand “{text}”. Here is the question again; /cancel to leave.",
    "ask_again_not_text": "That does not answer the question. Here it is again; /cancel to leave.",
    "ask_again_question": "{intro}\n\n{question}",
    # No dead ends: free text outside a flow (handlers/free_text.py)
    "intent_announce": "📣 Would you like to announce an activity? Tap /announce and I will ask "
    "what I need step by step.",
    "intent_follow": "🔔 To follow a school, tap /subscribe or send /subscribe and its name. What "
    "you already follow is in /subscriptions.",
    "intent_who": "👥 Tap /who to see who works at your school, or send /who and the name or "
    "code of another one.",
    "search_generic": "“{query}” says you are looking for a school, but not which one. Type its "
    "name, number or código modular, and the district if you like (for example “2045 san martin "
    "de porres”), or share your location 📍.",
    "search_none_menu": "I found no schools for “{query}”. Try fewer words, the código modular "
    "(7 digits) or the district. If you meant something else, /start shows the menu.",
    # No dead ends: a way back through search pages (bot/views/school_views.py)
    "btn_previous": "◂ Back",
    # No dead ends: /ayuda shows what this person can use (bot/views/commands.py)
    "help_others": "There {count:is # more command|are # more commands} for other roles "
    "(coordinators, administrators, groups): /help all shows them.",
    # No dead ends: relayed messages, "Escribir a <organización>" (handlers/relay.py)
    "btn_relay_write": "✉️ Write to {org}",
    "btn_relay_answer": "↩️ Answer",
    "btn_relay_block": "🚫 No more from {who}",
    "relay_person": "{name} ({org})",
    "relay_someone": "Someone on Minka",
    "relay_ask": "✉️ Type your message for {who} (up to 500 characters). It will arrive with "
    "your name and organization, without your Telegram account. /cancel to send nothing.",
    "relay_ask_answer": "↩️ Type your answer for {who} (up to 500 characters). /cancel to send "
    "nothing.",
    "relay_received": "✉️ <b>Message from {who}</b>{about}:\n\n{text}\n\n<i>Minka passes it "
    "on without showing their Telegram account or yours.</i>",
    "relay_answer_received": "↩️ <b>Answer from {who}</b>{about}:\n\n{text}",
    "relay_about": " about “{title}”",
    "relay_sent": "✅ Sent to {who}. If they answer, it will arrive here.",
    "relay_not_delivered": "I could not deliver your message to {who}; nothing was sent.",
    "relay_limit": "You already sent {count:# message|# messages} in the last 24 hours, the "
    "maximum. You can write again tomorrow.",
    "relay_text_invalid": "The message must have 1 to 500 characters; yours has "
    "{length:# character|# characters}. Type it again, or /cancel.",
    "relay_nobody": "There is no one to write to any more: whoever announced that activity "
    "erased their data.",
    "relay_own": "That activity is yours: no need to write to yourself.",
    "relay_blocked": "🚫 Done: you will get no more messages from {who}. I will not tell them.",
    # No dead ends: a teacher's activities carry her name and school (bot/views/activity_views.py)
    "by_teacher_here": "{name}, a teacher at this school",
    "by_teacher_elsewhere": "{name}, a teacher at {school} (not this school)",
    "by_teacher": "{name}, a teacher",
    # No dead ends: a teacher who came by a school's link is offered it (handlers/onboarding.py)
    "ask_school_linked": "Do you teach at <b>{school}</b>? Tap it below, or type your school's "
    "name or código modular, or share your location 📍.",
    # No dead ends: /verificar asks first, and never one's own organization (handlers/admin.py)
    "verify_confirm": "Shall I verify “{name}”? Tap it to confirm; if it is not that one, send "
    "/verify and its full name.",
    "verify_own": "You cannot verify {name}: it is your own organization. Ask another "
    "coordinator or an administrator.",
    # No dead ends: /difundir offers only what the coordinator's scope reaches
    "broadcast_no_schools": "I found no schools for “{text}” within what you coordinate. Try "
    "another name or the código modular.",
    # No dead ends: a command without a school asks which (handlers/schools.py)
    "which_school": "Which school? Tap one of these, or: {usage}",
    # Activity import (3W spreadsheets): handlers/imports.py, bot/views/import_views.py
    "import_not_allowed": "Only coordinators and administrators can import activity "
    "spreadsheets. If you coordinate a network or a UGEL, ask a Minka administrator for the role.",
    "import_reading": "Reading “{file}”…",
    "import_preview": "<b>{file}</b>{sheet}: {rows:# row|# rows}: {activities:# activity|# "
    "activities} recognised at {schools:# school|# schools} in your scope{problems}; {new_orgs:# "
    "new organization|# new organizations} (not verified).\nIf you import: {inserted} new, "
    "{updated} updated, {unchanged} unchanged.",
    "import_preview_sheet": " (sheet “{sheet}”)",
    "import_preview_merged": "\nI filled {count:# merged cell|# merged cells} with the value of "
    "their first cell.",
    "import_nothing_to_import": "\nThere are no rows that can be imported: check the problems.",
    "import_missing_columns": "In “{file}” I found no columns for: {columns}. Add a header row "
    "(for example Organization, School code, Activity, Start date) or HXL tags (#org, "
    "#loc+code, #activity, #date+start).",
    "import_column_organization": "organization",
    "import_column_school_name": "school (código modular or name)",
    "import_column_activity": "activity",
    "import_column_start": "date",
    "import_count_no_school": "{count:# row without a school|# rows without a school}",
    "import_count_school_not_found": "{count:# school not found|# schools not found}",
    "import_count_school_unclear": "{count:# unclear school|# unclear schools}",
    "import_count_code_unknown": "{count:# código modular that does not exist|# códigos modulares "
    "that do not exist}",
    "import_count_out_of_scope": "{count:# row outside your scope|# rows outside your scope}",
    "import_count_no_organization": "{count:# row without an organization|# rows without an "
    "organization}",
    "import_count_organization_too_long": "{count:# organization name too long|# organization "
    "names too long}",
    "import_count_no_title": "{count:# row without an activity|# rows without an activity}",
    "import_count_no_date": "{count:# row without a date|# rows without a date}",
    "import_count_bad_date": "{count:# date I cannot read|# dates I cannot read}",
    "import_count_no_year": "{count:# date without a year|# dates without a year}",
    "import_count_only_month": "{count:# date with only the month|# dates with only the month}",
    "import_count_end_before_start": "{count:# row ending before it starts|# rows ending before "
    "they start}",
    "import_count_formula": "{count:# row with formulas|# rows with formulas}",
    "import_count_duplicate": "{count:# repeated row|# repeated rows}",
    "import_reason_no_school": "no school",
    "import_reason_school_not_found": "school not found",
    "import_reason_school_unclear": "unclear school",
    "import_reason_code_unknown": "that código modular does not exist",
    "import_reason_out_of_scope": "outside your scope",
    "import_reason_no_organization": "no organization",
    "import_reason_organization_too_long": "organization name too long (max. 100)",
    "import_reason_no_title": "no activity",
    "import_reason_no_date": "no date",
    "import_reason_bad_date": "a date I cannot read (use dd/mm/yyyy)",
    "import_reason_no_year": "a date without a year",
    "import_reason_only_month": "only the month: the day is missing",
    "import_reason_end_before_start": "ends before it starts",
    "import_reason_formula": "holds a formula: paste values only",
    "import_reason_duplicate": "repeats row",
    "import_count_code_elsewhere": "{count:# código modular of a school elsewhere|# códigos "
    "modulares of schools elsewhere}",
    "import_reason_code_elsewhere": "that código modular is of a school elsewhere",
    "import_problem_line": "row {row}: “{value}” — {reason}",
    "import_problem_guess": " — {code} {name}, {district}?",
    "import_problems_title": "<b>Problems in “{file}”</b> ({count})",
    "import_problems_more": "… and {count} more. Fix them in the spreadsheet and send it again.",
    "import_problems_none": "No problems: every row was recognised.",
    "import_done": "Imported “{file}”: {inserted} new, {updated} updated, {unchanged} unchanged, "
    "{skipped:# row skipped|# rows skipped}; {new_orgs:# new organization|# new organizations} "
    "(not verified).",
    "import_cancelled": "Done, I did not import “{file}”.",
    "import_already_imported": "That spreadsheet was already imported.",
    "import_already_cancelled": "That import was already cancelled. Send the spreadsheet again if "
    "you want to import it.",
    "import_gone": "I could not find that import. Send the spreadsheet again.",
    "import_download_failed": "I could not download “{file}” from Telegram. Send it again.",
    "import_file_changed": "I could not read the same spreadsheet again. Send it again.",
    "import_sheet_too_big": "“{file}” is larger than 10 MB. Split it or remove the sheets that "
    "are not activities.",
    "import_sheet_too_many_rows": "“{file}” has more than 20,000 rows. Split it into parts of up "
    "to 20,000 rows and send them one by one.",
    "import_sheet_protected": "“{file}” is password-protected. Save it without a password and "
    "send it again.",
    "import_sheet_old_xls": "“{file}” is an old Excel file (.xls). Save it as .xlsx or .csv and "
    "send it again.",
    "import_sheet_unsupported": "I only read .xlsx and .csv spreadsheets. Save “{file}” in one of "
    "those formats.",
    "import_sheet_corrupt": "I could not open “{file}”: the file looks damaged. Open it in Excel, "
    "save it again and send it.",
    "import_sheet_empty": "“{file}” is empty.",
    "import_sheet_no_header": "In “{file}” I found no header row of a 3W matrix (Organization, "
    "School code or School name, Activity, Start date…).",
    "import_followers_summary": "📥 {who} imported {count:# upcoming activity|# upcoming "
    "activities} in what you follow:\n{lines}",
    "import_followers_line": "• {title} — {school} — {day}",
    "import_followers_more": "… and {count} more.",
    "import_source": "Imported from “{file}”, row {row}, by {who}, on {day}.",
    "import_operator": "a Minka operator",
    "import_forgotten": "someone no longer on Minka",
    "all_day": "all day",
    "whole_days": "whole days",
    "btn_import_problems": "See problems",
    "btn_import_run": "Import",
    "btn_import_cancel": "Cancel",
    # The web overview, whole for a newcomer (issue 17): the sandbox's demo, signing out, the
    # period in words.
    "panel_sandbox_demo": "This sandbox has a demo overview: type <code>/as Carlos</code>, then "
    "<code>/panel</code>.",
    "web_logout": "Sign out",
    "web_logout_confirm": "Sign out of the overview in this browser? To come back you will need "
    "a new link: send /panel in the Minka chat.",
    "web_logged_out": "You signed out of the overview. To come back, send /panel in the Minka "
    "chat and open the new link I send you.",
    "web_period_words": "Period: {days}",
    "web_bad_period": "Those dates make no period: choose a first and a last day in the form, "
    "the last after the first and at most 10 years apart.",
    # Crowd day (fewer calls per step): the record of a tapped choice, above the next prompt
    "answer_record": "✓ {choice}",
}
