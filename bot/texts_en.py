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
    # Cancel and stale input
    "cancelled": "Done, we'll leave it here. Send /start whenever you want to continue.",
    "nothing_to_cancel": "There is nothing to cancel. Send /help to see what I can do.",
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
    "forget_confirm": "Are you sure? I will erase your name, your organization and your "
    "acceptance of the notice. This cannot be undone.",
    "btn_forget_yes": "Yes, erase me",
    "btn_forget_no": "No, cancel",
    "forget_done": "Done: I erased your data. If you send /start again, you'll start afresh.",
    "forget_kept": "I erased nothing.",
    # Errors
    "error_generic": "Oops, something went wrong on our side. The team has been told; please "
    "try again in a moment.",
    "error_busy": "I'm very busy right now. Please try again in a few seconds.",
    "admin_error_alert": "⚠️ Minka error ({kind}): {detail}",
    # Roles as shown to people
    "role_teacher": "Teacher",
    "role_ngo": "NGO or foundation",
    "role_institution": "Other institution",
}
