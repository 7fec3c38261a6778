"""Spanish (Peru) texts: the default language. Keys and placeholders must match texts_en.py."""

ES: dict[str, str] = {
    # Onboarding
    "welcome_new": "¡Hola, {name}! 👋 Soy <b>Minka</b>: te ayudo a saber quién trabaja en tu "
    "escuela y a coordinar actividades con otras instituciones.",
    "privacy_notice": "<b>Antes de empezar: tus datos</b>\n"
    "• <b>Qué guardo:</b> tu nombre, idioma, si eres docente o tu organización, tu escuela y lo "
    "que anuncies o sigas.\n"
    "• <b>Para qué:</b> para que quienes trabajan en las mismas escuelas se encuentren y se "
    "coordinen.\n"
    "• <b>Quién lo ve:</b> tu nombre y organización aparecen junto a lo que publiques; tu "
    "contacto, solo si tú lo permites.\n"
    "• <b>Cuánto tiempo:</b> tus datos, hasta que uses /olvidarme. Los avisos que te envío por "
    "mi cuenta guardan su texto {days} días; después solo queda que se enviaron.\n"
    "• <b>Responsable:</b> el equipo de Minka. No vendemos ni cedemos tus datos.\n"
    "• <b>Tus derechos (Ley 29733):</b> /misdatos te envía todo lo que guardo de ti y "
    "/olvidarme lo borra. /privacidad muestra este aviso.\n\n"
    "Si no aceptas, no guardo nada. ¿Aceptas?",
    "btn_accept": "Acepto",
    "btn_decline": "No acepto",
    "consent_declined": "Entendido: no guardé ningún dato tuyo. Si cambias de opinión, "
    "escribe /start.",
    "ask_name": "Gracias. ¿Cómo te llamas? Toca el botón o escribe tu nombre.",
    "btn_use_name": "Usar «{name}»",
    "name_invalid": "Ese nombre no me sirve: escribe entre 2 y 64 caracteres, por ejemplo "
    "«Rosa Quispe».",
    "ask_role": "Mucho gusto, {name}. ¿Dónde trabajas?",
    "btn_role_teacher": "Docente",
    "btn_role_ngo": "ONG o fundación",
    "btn_role_institution": "Otra institución",
    "ask_org": "¿Cómo se llama tu organización? Escribe su nombre, por ejemplo «Fundación Ayni».",
    "org_matches": "Encontré estas organizaciones. ¿Trabajas en alguna de ellas?",
    "org_no_match": "No encontré «{name}» entre las organizaciones registradas.",
    "btn_org_create": "➕ Crear «{name}»",
    "btn_org_retype": "✏️ Escribir otro nombre",
    "org_invalid": "Escribe el nombre de tu organización (hasta 100 caracteres).",
    "org_joined": "Listo: eres parte de <b>{org}</b>.",
    "registered": "¡Bienvenida o bienvenido a Minka, {name}! 🎉",
    "off_script": "No entendí eso. Responde a la pregunta de arriba (con los botones, si los "
    "hay), o escribe /cancelar para salir.",
    # Main menu and help
    "main_menu": "Hola, {name}. ¿Qué quieres hacer?\n\n{commands}",
    "help": "<b>Lo que puedo hacer</b>\n\n{commands}\n\nPuedes escribir /cancelar en cualquier "
    "momento para salir de lo que estés haciendo.",
    "help_line": "/{command} — {description}",
    "cmd_more": "Ver todo lo que puedo hacer",
    "cmd_start": "Empezar o ver el menú",
    "cmd_help": "Ver los comandos",
    "cmd_language": "Cambiar el idioma",
    "cmd_cancel": "Salir de lo que estás haciendo",
    "cmd_privacy": "Ver el aviso de privacidad",
    "cmd_mydata": "Recibir todos tus datos",
    "cmd_forgetme": "Borrar todos tus datos",
    # Language
    "choose_language": "Elige tu idioma:",
    "language_set": "Listo, te escribiré en español.",
    "language_set_newcomer": "Escribe /start para ver el aviso de privacidad en español.",
    # Cancel and stale input
    "cancelled": "Listo, lo dejamos aquí. Escribe /start cuando quieras seguir.",
    "nothing_to_cancel": "No hay nada que cancelar. Escribe /ayuda para ver lo que puedo hacer.",
    "flow_expired": "Esto quedó sin terminar más de 30 minutos, así que lo dejé. Empieza de "
    "nuevo cuando quieras.",
    "stale_button": "Ese botón ya no está activo.",
    "stale_button_hint": "Ese botón es de una conversación que ya terminó. Escribe /start para "
    "seguir.",
    "register_first": "Primero regístrate: escribe /start (toma un minuto).",
    "unknown_command": "No conozco ese comando. Escribe /ayuda para ver los que hay.",
    # Privacy rights
    "privacy_intro": "Este es el aviso que aceptaste el {date}:",
    "privacy_not_member": "No guardo ningún dato tuyo. Este es el aviso que verás al registrarte:",
    "mydata_caption": "Todo lo que Minka guarda de ti.",
    "mydata_none": "No guardo ningún dato tuyo.",
    "forget_confirm": "¿Seguro? Borraré tu nombre, tu organización, tu escuela, lo que sigues, "
    "tus roles y tu aceptación del aviso. Las actividades y avisos que publicaste quedan, sin "
    "tu nombre. Esto no se puede deshacer.",
    "btn_forget_yes": "Sí, bórrame",
    "btn_forget_no": "No, cancelar",
    "forget_done": "Listo: borré tus datos. Si vuelves a escribir /start, empezarás de cero.",
    "forget_kept": "No borré nada.",
    # Schools: search, card, who works here, QR, a teacher's school
    "search_prompt": "Escribe el nombre de la escuela, su código modular o el distrito, por "
    "ejemplo «2045 ate». También puedes compartir tu ubicación 📍.",
    "search_results": "Escuelas para «{query}»:",
    "search_results_page": "Más escuelas para «{query}»:",
    "search_none": "No encontré escuelas para «{query}». Prueba con menos palabras, el código "
    "modular (7 dígitos) o el distrito.",
    "search_none_newcomer": "No encontré escuelas para «{query}». Para empezar a usar Minka, "
    "escribe /start. Para buscar una escuela, escribe su nombre, código modular o distrito.",
    "btn_more": "Más ▸",
    "school_button": "{name} — {district}",
    "nearest_title": "Las escuelas más cercanas a tu ubicación:",
    "nearest_none": "No encontré escuelas registradas cerca de esa ubicación.",
    "nearest_button": "{name} — {distance}",
    "card_title": "🏫 <b>{name}</b>",
    "card_level": "{level}",
    "card_code": "Código modular: <code>{code}</code>",
    "card_address": "📍 {address}",
    "card_place": "{place}",
    "card_ugel": "🏛 {ugel}",
    "card_people": "👥 En Minka: {teachers:# docente registrado|# docentes registrados}",
    "btn_who": "¿Quién trabaja aquí?",
    "btn_qr": "📌 Código QR",
    "who_title": "<b>¿Quién trabaja en {name}?</b>",
    "who_teachers": "👩‍🏫 Docentes registrados en Minka: {count}",
    "who_contact": "• {name} (@{username})",
    "who_more_contacts": "• … y {count:# persona|# personas} más",
    "who_no_organizations": "Todavía no hay organizaciones con actividades registradas aquí.",
    "who_invite": "¿Conoces a alguien que trabaja aquí? Comparte este enlace: {link}",
    "school_gone": "Esa escuela ya no está en el registro. Búscala de nuevo.",
    "usage_who": "Escribe /quien y el nombre o código de la escuela, por ejemplo "
    "«/quien {example}».",
    "usage_qr": "Escribe /qr y el nombre o código de la escuela, por ejemplo «/qr {example}».",
    "pick_school": "¿Cuál de estas escuelas?",
    "qr_caption": "{name}\nEscanea el código para ver esta escuela en Minka.",
    "qr_footer": "Escanea para ver quién trabaja aquí",
    "ask_school": "¿En qué escuela enseñas? Escribe su nombre o código modular, o comparte tu "
    "ubicación 📍.",
    "btn_skip_school": "Lo digo después",
    "school_set": "Listo: tu escuela es <b>{name}</b>.",
    "school_skipped": "Está bien. Puedes decir tu escuela cuando quieras con /miescuela.",
    "myschool_current": "Tu escuela es <b>{name}</b>. Si cambiaste de escuela, escribe el "
    "nombre o el código de la nueva, o /cancelar.",
    "myschool_teachers_only": "Solo los docentes registran su escuela. Puedes buscar cualquier "
    "escuela escribiendo su nombre.",
    "inline_open": "Abrir en Minka",
    "inline_description": "{place} · {code}",
    "distance_m": "{meters} m",
    "distance_km": "{km} km",
    "cmd_search": "Buscar una escuela",
    "cmd_who": "Ver quién trabaja en una escuela",
    "cmd_qr": "Código QR de una escuela",
    "cmd_myschool": "Cambiar tu escuela (docentes)",
    # Profile
    "profile": "<b>Tu perfil</b>\nNombre: {name}\nPerfil: {role}\n{details}Idioma: {language}\n"
    "Contacto visible: {contact}",
    "profile_organization": "Organización: {organization}\n",
    "profile_school": "Escuela: {school}\n",
    "contact_shown": "sí (@{username})",
    "contact_hidden": "no",
    "btn_edit_name": "✏️ Corregir mi nombre",
    "btn_edit_org": "🏢 Cambiar de organización",
    "ask_new_name": "Escribe tu nombre como quieres que aparezca (entre 2 y 64 caracteres).",
    "profile_updated": "✅ Listo, actualicé tu perfil.",
    "btn_share_contact": "Mostrar mi contacto",
    "btn_hide_contact": "Ocultar mi contacto",
    "contact_needs_username": "Para mostrar tu contacto necesitas un nombre de usuario en "
    "Telegram (Ajustes › Nombre de usuario). Luego vuelve a /perfil.",
    "contact_now_shown": "Listo: quienes vean tu escuela verán tu contacto @{username}.",
    "contact_now_hidden": "Listo: tu contacto ya no se muestra.",
    "cmd_profile": "Ver tu perfil y tu contacto",
    # Activities: announcing
    "cmd_announce": "Anunciar una actividad",
    "cmd_activities": "Ver, editar o cancelar tus actividades",
    "announce_private_only": "Para anunciar, escríbeme por privado y toca ahí «📣 Anunciar aquí».",
    "btn_announce_here": "📣 Anunciar aquí",
    "announce_pick_school": "¿En qué escuela será la actividad? Elige una o escribe su nombre o "
    "código modular.",
    "announce_school_chosen": "🏫 <b>{school}</b>\n¿Cómo se llama la actividad? Por ejemplo "
    "«Campaña de salud visual».",
    "title_invalid": "El título debe tener entre 1 y 120 caracteres, por ejemplo «Taller de "
    "lectura».",
    "ask_category": "¿De qué tipo es «{title}»?",
    "category_salud": "Salud",
    "category_lectura": "Lectura y educación",
    "category_docentes": "Docentes",
    "category_deporte": "Deporte",
    "category_arte": "Arte",
    "category_donacion": "Donación",
    "category_infraestructura": "Infraestructura",
    "category_otro": "Otro",
    "ask_when": "¿Cuándo empieza? Escribe, por ejemplo, «el próximo lunes a las 9», «15/12 "
    "10:00» o «mañana de 9 a 11».",
    "confirm_when": "<b>{when}</b> — ¿correcto?",
    "note_assumed_pm": "(Entendí la hora como de la tarde.)",
    "note_assumed_am": "(Entendí la hora como de la mañana.)",
    "note_bare_day": "(Entendí el próximo día {day}: el de {month}.)",
    "note_next_year": "(Esa fecha ya pasó este año: entendí el año próximo.)",
    "note_weekday_mismatch": "(Ojo: el día de la semana no coincide con la fecha; tomé la fecha.)",
    "note_far_future": "(Ojo: es dentro de más de un año.)",
    "note_fallback": "(Revisa bien la fecha: la entendí de forma aproximada.)",
    "btn_yes": "Sí",
    "btn_change": "Cambiar",
    "when_not_understood": "No entendí la fecha «{text}». Elige el día en el calendario, o "
    "escríbela de otra forma:",
    "when_in_past": "<b>{when}</b> ya pasó. Elige otro día, o escríbelo:",
    "pick_day": "Elige el día, o escríbelo (por ejemplo «viernes 10am»):",
    "pick_hour": "<b>{day}</b>: ¿a qué hora empieza?",
    "ask_duration": "¿Cuánto dura? Elige, o escribe por ejemplo «hasta las 12».",
    "btn_prev_month": "◀",
    "btn_next_month": "▶",
    "btn_1h": "1 h",
    "btn_2h": "2 h",
    "btn_3h": "3 h",
    "btn_morning": "Hasta la 1 p. m.",
    "btn_afternoon": "Hasta las 6 p. m.",
    "btn_day": "Todo el día (hasta las 5 p. m.)",
    "duration_invalid": "No entendí hasta qué hora. Escribe, por ejemplo, «hasta las 12», o "
    "elige un botón.",
    "ask_description": "¿Quieres agregar una descripción (hasta 1000 caracteres)? Escríbela o "
    "toca «Omitir».",
    "btn_skip": "Omitir",
    "description_invalid": "La descripción puede tener hasta 1000 caracteres; la tuya tiene "
    "{length:# carácter|# caracteres}.",
    "preview": "<b>Vista previa</b>\n\n{activity}\n\n{clashes}¿La publico?",
    "activity_full": "📌 <b>{title}</b> · {category}\n🏫 {school}\n🗓 {when} – {end}\n👤 {who}",
    "activity_description": "\n📝 {description}",
    "clash_header": "⚠️ <b>Atención:</b>\n",
    "clash_line": "• {who} tiene «{title}» en {school} ese mismo día, de {start} a {end}\n",
    "clash_more": "• … y {count:# actividad|# actividades} más a esa hora.\n",
    "clash_footer": "Puedes publicar igual (les avisaré) o cambiar la hora.\n\n",
    "btn_publish": "Publicar",
    "btn_change_time": "Cambiar la hora",
    "btn_discard": "Cancelar",
    "published": "✅ Publicado. Aparece en la ficha de {school}.",
    "announce_discarded": "Listo, no publiqué nada.",
    "heads_up": "👋 Aviso de Minka: {who} anunció «{title}» en {school} ({when}), que se cruza "
    "con tu actividad «{mine}» ({mine_when}). Si quieren coordinarse, escríbele con el botón de "
    "abajo.",
    "oneline_usage": "Formato rápido:\n/anunciar escuela | título | cuándo | duración | categoría "
    "(opcional)\nPor ejemplo: /anunciar {example} | Taller de lectura | lunes 10am | 2 h | lectura",
    "oneline_school_unknown": "No encontré la escuela «{code}». Usa su código modular o su nombre.",
    "oneline_when_unknown": "No entendí la fecha «{text}». Prueba con «lunes 10am» o «15/12 9:00».",
    "oneline_duration_unknown": "No entendí la duración «{text}». Usa, por ejemplo, «2 h» o "
    "«hasta las 12».",
    "by_teachers": "Docentes de la escuela",
    # Activities: managing
    "activities_none": "No hay actividades próximas. Anuncia una con /anunciar.",
    "activities_list": "<b>Actividades próximas</b> ({owner}). Elige una para editarla o "
    "cancelarla:",
    "activity_button": "{date} · {title}",
    "btn_edit_title": "✏️ Título",
    "btn_edit_time": "🗓 Fecha y hora",
    "btn_edit_description": "📝 Descripción",
    "btn_cancel_activity": "❌ Cancelar actividad",
    "not_allowed": "Solo quien anunció esta actividad, su organización, los coordinadores y los "
    "administradores pueden cambiarla.",
    "activity_gone": "Esa actividad ya no existe.",
    "activity_not_scheduled": "Esa actividad ya está {status}; no se puede cambiar.",
    "status_cancelled": "cancelada",
    "status_done": "realizada",
    "status_not_held": "marcada como no realizada",
    "status_rescheduled": "reprogramada",
    "status_scheduled": "programada",
    "ask_new_title": "Escribe el nuevo título (hasta 120 caracteres).",
    "ask_new_time": "Escribe la nueva fecha y hora, por ejemplo «viernes 10am». La duración se "
    "mantiene.",
    "ask_new_description": "Escribe la nueva descripción, o «-» para quitarla.",
    "activity_updated": "✅ Actividad actualizada:\n\n{activity}",
    "ask_cancel_reason": "¿Por qué se cancela «{title}»? Escribe el motivo o toca «Sin motivo».",
    "btn_no_reason": "Sin motivo",
    "activity_cancelled": "❌ Cancelé «{title}». Ya no aparece en la ficha de la escuela.",
    "reason_invalid": "El motivo puede tener hasta 300 caracteres.",
    # Activities: reminders and check-ins
    "reminder": "⏰ Recordatorio: «{title}» en {school} empieza el {when}",
    "checkin": "¿Se realizó «{title}» en {school} ({when})?",
    "btn_checkin_done": "Sí",
    "btn_checkin_not_held": "No",
    "btn_checkin_rescheduled": "Se reprogramó",
    "ask_participants": "¡Qué bien! ¿Cuántos participantes hubo? Escribe un número.",
    "participants_invalid": "Escribe solo un número entre 0 y 100000, por ejemplo 35.",
    "checkin_thanks": "Gracias, quedó registrado. 🙌",
    "checkin_rescheduled": "Gracias. Cuando tengas la nueva fecha, anúnciala con /anunciar.",
    # Activities on the school card and in /quien
    "card_upcoming_header": "<b>Próximas actividades</b>",
    "card_upcoming_line": "• {when} — {title} ({who})",
    "card_organizations": "🤝 Organizaciones con actividades: {count}",
    "who_organizations_header": "<b>Organizaciones activas aquí</b>",
    "who_organization_line": "• <b>{name}</b>{verified} ({kind}): "
    "{count:# actividad|# actividades}; última: "
    "{last}; próxima: {next}",
    "kind_ngo": "ONG o fundación",
    "kind_institution": "institución",
    "kind_teachers": "docentes",
    "no_date": "—",
    # Following and notifications
    "btn_follow": "🔔 Seguir",
    "btn_unfollow": "🔕 Dejar de seguir",
    "btn_follow_district": "🔔 Seguir distrito {district}",
    "btn_follow_org": "🔔 Seguir a {org}",
    "followed": "🔔 Listo: sigues {name}; te avisaré de sus actividades.",
    "already_following": "Ya sigues {name}.",
    "unfollowed": "🔕 Ya no sigues {name}.",
    "not_following": "No seguías {name}; no había nada que quitar.",
    "subscriptions_none": "No sigues nada todavía. Abre la ficha de una escuela y toca «🔔 "
    "Seguir», o escribe /suscribir y el nombre de una escuela.",
    "subscriptions": "<b>Lo que sigues</b>\n{lines}\n\nModo: {mode}. Toca un elemento para dejar "
    "de seguirlo.",
    "subscription_line": "• {kind}: {name}",
    "follow_kind_school": "Escuela",
    "follow_kind_district": "Distrito",
    "follow_kind_organization": "Organización",
    "mode_instant": "instantáneo (cada novedad al momento)",
    "mode_daily": "resumen diario a las 7:00",
    "btn_mode_daily": "⏰ Cambiar a resumen diario",
    "btn_mode_instant": "⚡ Cambiar a instantáneo",
    "btn_remove": "✖ {name}",
    "mode_set": "Listo: modo {mode}.",
    "usage_subscribe": "Escribe /suscribir y el nombre o código de la escuela, por ejemplo "
    "«/suscribir {example}».",
    "group_greeting": "¡Hola! Soy Minka 👋 Aviso de las actividades en las escuelas. Un "
    "administrador del grupo puede vincularlo a su escuela con /vincular y el nombre o código "
    "de la escuela.",
    "link_admins_only": "Solo los administradores del grupo pueden vincularlo o desvincularlo.",
    "link_groups_only": "Esto se usa dentro de un grupo: agrégame al grupo de tu escuela y "
    "escribe allí /vincular.",
    "linked": "✅ Este grupo recibirá las novedades de {name}.",
    "unlinked": "Listo: este grupo ya no recibirá novedades de escuelas.",
    "not_linked": "Este grupo no estaba vinculado a ninguna escuela.",
    "usage_link": "Escribe /vincular y el nombre o código de la escuela, por ejemplo "
    "«/vincular {example}».",
    "notification_created": "🆕 {who} anunció «{title}» en {school}: {when}",
    "notification_updated": "✏️ Cambió «{title}» en {school}: ahora es {when}",
    "notification_cancelled": "❌ Se canceló «{title}» en {school} ({when}).",
    "notification_reason": "Motivo: {reason}",
    "btn_view_school": "Ver escuela",
    "digest_header": "<b>Tu resumen diario de Minka</b>",
    "digest_more": "… y {count:# novedad|# novedades} más. Escribe /suscripciones para ajustar lo "
    "que sigues.",
    "cmd_subscribe": "Seguir una escuela",
    "cmd_subscriptions": "Ver y cambiar lo que sigues",
    "cmd_link": "Vincular este grupo a una escuela",
    "cmd_unlink": "Desvincular este grupo",
    # Coordinators: broadcasts, roles, verification, bans
    "cmd_broadcast": "Difundir un aviso (coordinadores)",
    "cmd_broadcasts": "Ver tus avisos difundidos",
    "cmd_verify": "Verificar una organización (coordinadores)",
    "cmd_grant": "Dar un rol (administradores)",
    "cmd_revoke": "Quitar un rol (administradores)",
    "cmd_ban": "Hacer que Minka ignore a alguien (administradores)",
    "coordinators_only": "Solo los coordinadores pueden difundir avisos. Si coordinas una red, "
    "una UGEL o una fundación, pide a un administrador de Minka que te dé ese rol.",
    "admins_only": "Solo los administradores de Minka pueden hacer esto.",
    "broadcast_pick_audience": "📢 ¿A quién va el aviso?",
    "audience_school": "Una escuela",
    "audience_district": "Un distrito",
    "audience_province": "Una provincia",
    "audience_region": "Una región",
    "audience_organization": "Mi organización",
    "audience_everyone": "Todos",
    "broadcast_ask_school": "Escribe el nombre o código modular de la escuela.",
    "broadcast_ask_place": "Escribe el nombre del lugar (por ejemplo «Ate» o «Puno»).",
    "broadcast_places": "¿Cuál de estos lugares?",
    "broadcast_no_places": "No encontré lugares para «{text}» dentro de lo que coordinas. "
    "Prueba con otro nombre.",
    "broadcast_out_of_scope": "Ese público está fuera de lo que coordinas.",
    "broadcast_ask_text": "Destino: <b>{audience}</b>.\nEscribe el aviso (hasta 3500 caracteres).",
    "broadcast_text_invalid": "El aviso debe tener entre 1 y 3500 caracteres; el tuyo tiene "
    "{length:# carácter|# caracteres}.",
    "broadcast_ask_ack": "¿Agrego un botón «Recibido ✅» para saber quién lo leyó?",
    "btn_with_ack": "Sí, con «Recibido ✅»",
    "btn_without_ack": "No, sin botón",
    "broadcast_header": "📢 <b>Aviso de {name}</b>{organization}",
    "broadcast_header_org": " ({organization})",
    "broadcast_preview": "<b>Así lo verán:</b>\n\n{message}\n\n──────\nSe enviará a "
    "{people:# persona|# personas} y {groups:# grupo|# grupos}. ¿Lo envío?",
    "broadcast_nobody": "Ese público todavía no tiene a nadie en Minka; no hay a quién enviar.",
    "btn_send": "Enviar",
    "btn_received": "Recibido ✅",
    "broadcast_sending": "📤 Enviando a {count:# chat|# chats}. Te aviso cuando termine.",
    "broadcast_discarded": "Listo, no envié nada.",
    "broadcast_report": "📢 Tu aviso «{excerpt}»: entregado a {delivered}; "
    "{blocked:# bloqueó|# bloquearon} el bot; {failed:# falló|# fallaron}; "
    "{acknowledged:# marcó|# marcaron} Recibido ✅.",
    "broadcast_limit_hour": "Ya enviaste {count:# aviso|# avisos} en la última hora, el máximo. "
    "Espera "
    "un poco antes del siguiente.",
    "broadcast_limit_everyone": "Ya se envió un aviso a todos hoy; es el máximo por día.",
    "announce_limit_day": "Ya anunciaste {count:# actividad|# actividades} hoy, el máximo por "
    "día. Mañana "
    "podrás anunciar más.",
    "ack_thanks": "¡Gracias! Marcado como recibido.",
    "ack_already": "Ya lo habías marcado como recibido.",
    "broadcasts_none": "Todavía no difundiste avisos.",
    "broadcasts_list": "<b>Tus avisos</b>\n{lines}",
    "broadcast_line": "• {date} — «{excerpt}» ({audience}): "
    "{delivered}/{recipients:# entregado|# entregados}, "
    "{blocked:# bloqueó|# bloquearon}, {failed:# falló|# fallaron}, {acknowledged} ✅, "
    "{pending:# pendiente|# pendientes}",
    "usage_verify": "Escribe /verificar y el nombre de la organización.",
    "verify_pick": "¿Cuál organización verifico?",
    "verified_done": "✔️ {name} ahora aparece como verificada.",
    "org_not_found": "No encontré la organización «{name}».",
    "usage_grant": "Uso: /otorgar &lt;id o @usuario&gt; coordinador [ámbito: 2, 4 o 6 dígitos de "
    "ubigeo]. Por ejemplo: /otorgar 123456789 coordinador 1501",
    "usage_revoke": "Uso: /revocar &lt;id o @usuario&gt; coordinador [ámbito]",
    "usage_ban": "Uso: /bloquear &lt;id o @usuario&gt; [motivo]",
    "user_unknown": "No conozco a «{who}». Usa su número de Telegram, o su @usuario si lo "
    "comparte en Minka.",
    "scope_invalid": "El ámbito «{scope}» no es válido: usa 2, 4 o 6 dígitos de un ubigeo que "
    "exista.",
    "role_granted": "Listo: {who} ahora es {role}{scope}.",
    "role_revoked": "Listo: quité el rol {role} a {who} ({count}).",
    "role_coordinator": "coordinador(a)",
    "role_admin": "administrador(a)",
    "scope_suffix": " en {scope}",
    "banned_done": "Listo: Minka ignorará a {who}.",
    # Errors
    "error_generic": "Uy, algo salió mal de nuestro lado. Ya avisamos al equipo; inténtalo de "
    "nuevo en un momento.",
    "error_busy": "Estoy con mucho trabajo en este momento. Inténtalo de nuevo en unos segundos.",
    "admin_error_alert": "⚠️ Error en Minka ({kind}): {detail}",
    # Roles as shown to people
    "role_teacher": "Docente",
    "role_ngo": "ONG o fundación",
    "role_institution": "Otra institución",
    # Exports (/exportar) and calendar feeds (/calendario)
    "export_sheet_activities": "Actividades",
    "export_sheet_presence": "Organizaciones por distrito",
    "export_sheet_quiet": "Escuelas sin actividad",
    "export_col_id": "ID Minka",
    "export_col_org": "Organización",
    "export_col_org_type": "Tipo de organización",
    "export_col_verified": "Verificada",
    "export_col_sector": "Sector",
    "export_col_activity": "Actividad",
    "export_col_description": "Descripción",
    "export_col_country": "País",
    "export_col_adm1": "Departamento",
    "export_col_adm1_code": "Ubigeo departamento",
    "export_col_adm2": "Provincia",
    "export_col_adm2_code": "Ubigeo provincia",
    "export_col_adm3": "Distrito",
    "export_col_adm3_code": "Ubigeo distrito",
    "export_col_school_code": "Código modular",
    "export_col_school": "Institución educativa",
    "export_col_level": "Nivel",
    "export_col_start": "Inicio",
    "export_col_end": "Fin",
    "export_col_status": "Estado",
    "export_col_reached": "Participantes",
    "export_col_source": "Fuente",
    "export_col_activities": "Actividades",
    "export_col_schools": "Escuelas",
    "export_yes": "sí",
    "export_no": "no",
    "export_source_org": "Minka: anunciada por la organización",
    "export_source_teachers": "Minka: anunciada por docentes de la escuela",
    "feed_name_follows": "Minka: lo que sigo",
    "feed_name_of": "Minka: {name}",
    "feed_summary_status": "{title} ({status})",
    "feed_by": "Organiza: {organization}",
    "cmd_export": "Exportar actividades a Excel (3W)",
    "cmd_calendar": "Tu calendario: enlace para el celular",
    "export_not_allowed": "Exportar es para coordinadores y para quien trabaja en una "
    "organización registrada en Minka. Si coordinas una red o una UGEL, pide el rol a un "
    "administrador.",
    "export_usage": "Escribe /exportar para elegir qué exportar, o /exportar seguido de un "
    "ubigeo (15, 1501, 150135) o un código modular, y si quieres dos fechas: "
    "/exportar 1501 01/03/2027 31/03/2027",
    "export_scope_unknown": "No encontré «{code}»: usa un ubigeo de 2, 4 o 6 dígitos o un "
    "código modular de 7 dígitos que estén en el padrón.",
    "export_scope_not_allowed": "No puedes exportar {scope}: está fuera de tu ámbito.",
    "export_bad_day": "«{text}» no es una fecha: escríbela como 01/03/2027 o 2027-03-01.",
    "export_end_before_start": "La segunda fecha es anterior a la primera. Escribe primero la "
    "fecha de inicio y luego la de fin.",
    "export_too_long_period": "Ese periodo es demasiado largo: una exportación cubre diez años "
    "como máximo.",
    "export_pick_scope": "📊 ¿Qué quieres exportar?",
    "export_pick_period": "📊 {scope}\n¿De qué periodo?",
    "export_pick_format": "📊 {scope}, {period}\n¿En qué formato?",
    "export_btn_tm": "Este mes",
    "export_btn_lm": "El mes pasado",
    "export_btn_ty": "Este año",
    "export_other_period": "Para otro periodo escribe /exportar {code} y dos fechas, por "
    "ejemplo: /exportar {code} 01/03/2027 31/03/2027",
    "export_btn_xlsx": "Excel (.xlsx)",
    "export_btn_xlsx_csv": "Excel y CSV",
    "export_preparing": "⏳ Preparando el archivo de {scope}, {period}…",
    "export_caption": "📊 {scope}, {period}: {count:# actividad|# actividades}. La segunda "
    "fila lleva las etiquetas HXL.",
    "export_caption_csv": "📄 Las mismas actividades en CSV (UTF-8).",
    "export_too_large": "El archivo saldría de {size} MB y Telegram acepta hasta 50 MB. Elige "
    "un periodo más corto o un ámbito más pequeño.",
    "export_already_sent": "Ese archivo ya te lo envié arriba.",
    "export_period_days": "del {first} al {last}",
    "export_scope_everywhere": "Todo el Perú",
    "export_scope_region": "Departamento {name}",
    "export_scope_province": "Provincia {name}",
    "export_scope_district": "Distrito {name}",
    "export_scope_school": "{name} ({code})",
    "export_scope_organization": "{name}",
    "calendar_needs_start": "Primero regístrate con /start: tu calendario muestra lo que sigues.",
    "calendar_follows": "📅 <b>Tu calendario de Minka</b>: las actividades de las escuelas, "
    "distritos y organizaciones que sigues.",
    "calendar_nothing_followed": "Aún no sigues nada: sigue escuelas con /suscribir y "
    "aparecerán aquí.",
    "calendar_of": "📅 <b>Calendario de {name}</b> en Minka.",
    "calendar_how": "Enlace para suscribirte:\n<code>{url}</code>\n\n"
    "• iPhone o Mac: abre {webcal}\n"
    "• Google Calendar (en la computadora): «Otros calendarios» → «Desde URL», pega el enlace.\n"
    "• Outlook: «Agregar calendario» → «Suscribirse desde la web».\n\n"
    "Los cambios y cancelaciones aparecen cuando tu calendario se actualiza (Google tarda de 8 "
    "a 24 horas). No compartas el enlace: quien lo tenga ve este calendario.",
    "calendar_btn_renew": "🔄 Nuevo enlace",
    "calendar_btn_my_org": "📅 Calendario de {name}",
    "calendar_renewed": "🔄 Listo: el enlace anterior ya no funciona. Suscríbete con el nuevo.",
    "calendar_already_renewed": "Ese enlace ya se había cambiado: usa el más reciente.",
    "calendar_unknown_target": "Esa escuela u organización ya no está en Minka.",
    "calendar_usage": "Escribe /calendario para tu calendario, o /calendario y el nombre o "
    "código modular de una escuela para el de esa escuela.",
    "btn_school_calendar": "📅 Calendario de la escuela",
    "export_col_daily": "Mismo horario cada día",
    # The coordinator's web overview: /panel in the chat and the pages of bot.web.panel.
    "cmd_panel": "Panorama web de tu ámbito (mapa, 3W, vacíos)",
    "panel_needs_start": "Primero regístrate con /start: el panorama muestra tu ámbito, tu "
    "organización o tu escuela.",
    "panel_unavailable": "El panorama web no está disponible ahora. Inténtalo más tarde.",
    "panel_intro": "🗺 <b>Panorama de Minka</b>: el mapa de tus escuelas, la matriz 3W, los "
    "vacíos y los cruces.\n\nEn el teléfono, tócalo abajo. En una computadora, abre este enlace "
    "personal (sirve <b>una sola vez</b> y vence en 10 minutos; no lo compartas):\n{url}",
    "panel_intro_link_only": "🗺 <b>Panorama de Minka</b>: el mapa de tus escuelas, la matriz 3W, "
    "los vacíos y los cruces.\n\nÁbrelo con este enlace personal (sirve <b>una sola vez</b> y "
    "vence en 10 minutos; no lo compartas):\n{url}",
    "panel_btn_open": "🗺 Abrir panorama",
    "web_title": "Minka · Panorama",
    "web_nav_overview": "Mapa y escuelas",
    "web_nav_matrix": "Matriz 3W",
    "web_nav_gaps": "Vacíos",
    "web_nav_overlaps": "Cruces",
    "web_nav_export": "Descargar Excel",
    "web_scope": "Ámbito",
    "web_from": "Desde",
    "web_to": "Hasta",
    "web_apply": "Ver",
    "web_summary": "{schools:# escuela|# escuelas} · {active} con actividad · "
    "{activities:# actividad|# actividades}",
    "web_legend_none": "sin actividad",
    "web_legend_one": "una organización",
    "web_legend_many": "varias organizaciones",
    "web_map_note": "El mapa necesita JavaScript y conexión; la lista de abajo muestra todas las "
    "escuelas.",
    "web_col_school": "Escuela",
    "web_col_district": "Distrito",
    "web_col_level": "Nivel",
    "web_col_orgs": "Organizaciones",
    "web_col_activities": "Actividades",
    "web_col_last": "Última actividad",
    "web_col_org": "Organización",
    "web_col_when": "Cuándo",
    "web_col_what": "Qué",
    "web_col_total": "Total",
    "web_own_teachers": "Docentes de la escuela",
    "web_matrix_by_category": "Organizaciones × categorías (actividades)",
    "web_matrix_by_district": "Organizaciones × distritos (actividades)",
    "web_gaps_intro": "{count:# escuela|# escuelas} sin ninguna actividad en "
    "{days:el último día|los últimos # días}.",
    "web_days": "Días",
    "web_sort_district": "por distrito",
    "web_sort_level": "por nivel",
    "web_never": "nunca",
    "web_overlaps_intro": "{count:# cruce|# cruces}: actividades de organizaciones distintas en "
    "la misma escuela, a la misma hora o de la misma categoría en la misma semana. Llama a "
    "ambas para coordinar.",
    "web_overlaps_more": "Se muestran los primeros {shown} de {count}: acorta el periodo o elige "
    "un ámbito más pequeño para verlos todos.",
    "web_overlap_same_time": "a la misma hora",
    "web_overlap_same_week": "misma categoría, misma semana",
    "web_nothing": "Nada que mostrar en este periodo.",
    "web_activities_of": "Actividades de {org}",
    "web_school_upcoming": "Próximas actividades",
    "web_school_past": "Actividades pasadas",
    "web_school_contacts": "Contactos (con su consentimiento)",
    "web_forbidden": "No tienes acceso a ese ámbito. Vuelve a tu panorama.",
    "web_not_found": "No encontré esa página.",
    "web_bad_address": "No entiendo esa dirección: revisa las fechas (AAAA-MM-DD) y el ámbito, o "
    "vuelve al panorama.",
    "web_login_needed": "Para ver el panorama, escribe /panel en el chat de Minka y abre el "
    "enlace o el botón que te envío.",
    "web_link_used": "Este enlace ya se usó (sirve una sola vez). Pide uno nuevo con /panel en "
    "el chat de Minka.",
    "web_link_expired": "Este enlace venció (dura 10 minutos). Pide uno nuevo con /panel en el "
    "chat de Minka.",
    "web_link_unknown": "Este enlace no es válido. Pide uno nuevo con /panel en el chat de Minka.",
    "web_webapp_failed": "No pude confirmar tu cuenta de Telegram. Cierra esta ventana y vuelve "
    "a abrir el panorama con /panel.",
    "web_too_many": "Demasiados intentos seguidos. Espera un minuto y vuelve a intentarlo.",
    "web_export_too_large": "Ese archivo sería demasiado grande. Elige un periodo más corto o un "
    "ámbito más pequeño.",
    "web_back": "Volver al panorama",
    "panel_nothing_to_show": "El panorama muestra el ámbito de un coordinador, las escuelas "
    "de tu organización o tu escuela: aún no tienes ninguno. Únete a tu organización con /start "
    "o elige tu escuela con /miescuela.",
    # Dates, part two (issue 13): a note for every guess, the one-line form, spans of days
    "note_day_or_hour": "(Entendí {number} como la hora. Si es el día {number}, elígelo abajo.)",
    "note_this_week": "(Entendí el {weekday} de esta semana, no el de la próxima.)",
    "note_no_date": "(No dijiste el día: entendí el {weekday} {day}, el más cercano.)",
    "note_from_now": "(Contado desde ahora.)",
    "pick_hour_part": "<b>{day}</b>, {part}: ¿a qué hora empieza?",
    "part_morning": "en la mañana",
    "part_afternoon": "en la tarde",
    "part_night": "en la noche",
    "part_early": "en la madrugada",
    "no_hours_left": "Ese día ya no quedan horas para empezar. Elige otro día, o escríbelo:",
    "ends_before_start": "Eso sería a las {end}, antes de que empiece ({start}). ¿Hasta qué hora "
    "dura?",
    "oneline_category_unknown": "No conozco la categoría «{text}». Usa una de estas: {categories}.",
    "oneline_school_ambiguous": "Hay varias escuelas para «{text}»: {names}. Escribe su código "
    "modular (lo ves con /buscar).",
    "category_suggested": "(Por el título, parece «{category}».)",
    "each_day": "{end} (cada día)",
    "btn_change_date": "Cambiar fecha",
    "announce_replaced": "(Dejé de lado la vista previa que esperaba «Publicar»: «{title}».)",
    "span_too_long": "Una actividad puede durar hasta 31 días; «{text}» son {days}. Escribe otras "
    "fechas, o elige el primer día:",
    # No dead ends: one way to name a place (bot/views/places.py)
    "place_district": "el distrito de {name}",
    "place_province": "la provincia de {name}",
    "place_region": "la región {name}",
    "place_school": "{name}",
    "place_organization": "{name}",
    "school_with_level": "{name} ({level})",
    # No dead ends: typed answers and the question asked again (handlers/conversations.py)
    "ask_again_buttons": "No encontré «{text}» entre las opciones. Toca un botón o escribe una "
    "de ellas; /cancelar para salir.",
    "ask_again": "No entendí «{text}». Te vuelvo a preguntar; /cancelar para salir.",
    "ask_again_not_text": "Eso no responde a la pregunta. Te la vuelvo a hacer; /cancelar para "
    "salir.",
    "ask_again_question": "{intro}\n\n{question}",
    # No dead ends: free text outside a flow (handlers/free_text.py)
    "intent_announce": "📣 ¿Quieres anunciar una actividad? Toca /anunciar y te pregunto lo "
    "necesario paso a paso.",
    "intent_follow": "🔔 Para seguir una escuela, toca /suscribir o escribe /suscribir y su "
    "nombre. Lo que ya sigues está en /suscripciones.",
    "intent_who": "👥 Toca /quien para ver quién trabaja en tu escuela, o escribe /quien y el "
    "nombre o código de otra.",
    "search_generic": "«{query}» dice que buscas una escuela, pero no cuál. Escribe su nombre, "
    "su número o su código modular, y si quieres el distrito (por ejemplo «2045 san martin de "
    "porres»), o comparte tu ubicación 📍.",
    "search_none_menu": "No encontré escuelas para «{query}». Prueba con menos palabras, el "
    "código modular (7 dígitos) o el distrito. Si buscabas otra cosa, /start te muestra el menú.",
    # No dead ends: a way back through search pages (bot/views/school_views.py)
    "btn_previous": "◂ Anterior",
    # No dead ends: /ayuda shows what this person can use (bot/views/commands.py)
    "help_others": "Hay {count:# comando más|# comandos más} para otros perfiles (coordinadores, "
    "administradores, grupos): /ayuda todo los muestra.",
    # No dead ends: relayed messages, "Escribir a <organización>" (handlers/relay.py)
    "btn_relay_write": "✉️ Escribir a {org}",
    "btn_relay_answer": "↩️ Responder",
    "btn_relay_block": "🚫 No recibir más de {who}",
    "relay_person": "{name} ({org})",
    "relay_someone": "Alguien de Minka",
    "relay_ask": "✉️ Escribe tu mensaje para {who} (hasta 500 caracteres). Le llegará con tu "
    "nombre y tu organización, sin tu cuenta de Telegram. /cancelar para no enviar nada.",
    "relay_ask_answer": "↩️ Escribe tu respuesta para {who} (hasta 500 caracteres). "
    "/cancelar para no enviar nada.",
    "relay_received": "✉️ <b>Mensaje de {who}</b>{about}:\n\n{text}\n\n<i>Minka te lo hace "
    "llegar sin mostrar su cuenta de Telegram ni la tuya.</i>",
    "relay_answer_received": "↩️ <b>Respuesta de {who}</b>{about}:\n\n{text}",
    "relay_about": " sobre «{title}»",
    "relay_sent": "✅ Enviado a {who}. Si responde, te llegará aquí.",
    "relay_not_delivered": "No pude entregar tu mensaje a {who}; no se envió nada.",
    "relay_limit": "Ya enviaste {count:# mensaje|# mensajes} en las últimas 24 horas, el "
    "máximo. Podrás escribir de nuevo mañana.",
    "relay_text_invalid": "El mensaje debe tener entre 1 y 500 caracteres; el tuyo tiene "
    "{length:# carácter|# caracteres}. Escríbelo de nuevo, o /cancelar.",
    "relay_nobody": "Ya no hay a quién escribir: quien anunció esa actividad borró sus datos.",
    "relay_own": "Esa actividad es tuya: no hace falta escribirte.",
    "relay_blocked": "🚫 Listo: no recibirás más mensajes de {who}. No se lo diré.",
    # No dead ends: a teacher's activities carry her name and school (bot/views/activity_views.py)
    "by_teacher_here": "{name}, docente de esta escuela",
    "by_teacher_elsewhere": "{name}, docente de {school} (no de esta escuela)",
    "by_teacher": "{name}, docente",
    # No dead ends: a teacher who came by a school's link is offered it (handlers/onboarding.py)
    "ask_school_linked": "¿Enseñas en <b>{school}</b>? Tócala abajo, o escribe el nombre o "
    "código modular de tu escuela, o comparte tu ubicación 📍.",
    # No dead ends: /verificar asks first, and never one's own organization (handlers/admin.py)
    "verify_confirm": "¿Verifico «{name}»? Tócala para confirmar; si no es esa, escribe "
    "/verificar y su nombre completo.",
    "verify_own": "No puedes verificar {name}: es tu propia organización. Pídeselo a otro "
    "coordinador o a un administrador.",
    # No dead ends: /difundir offers only what the coordinator's scope reaches
    "broadcast_no_schools": "No encontré escuelas para «{text}» dentro de lo que coordinas. "
    "Prueba con otro nombre o el código modular.",
    # No dead ends: a command without a school asks which (handlers/schools.py)
    "which_school": "¿De qué escuela? Toca una de estas, o: {usage}",
    # Activity import (3W spreadsheets): handlers/imports.py, bot/views/import_views.py
    "import_not_allowed": "Solo los coordinadores y administradores pueden importar planillas de "
    "actividades. Si coordinas una red o una UGEL, pide el rol a un administrador de Minka.",
    "import_reading": "Leyendo «{file}»…",
    "import_preview": "<b>{file}</b>{sheet}: {rows:# fila|# filas}: {activities:# actividad "
    "reconocida|# actividades reconocidas} en {schools:# escuela|# escuelas} de tu "
    "ámbito{problems}; {new_orgs:# organización nueva (no verificada)|# organizaciones nuevas (no "
    "verificadas)}.\nSi importas: {inserted:# nueva|# nuevas}, {updated:# actualizada|# "
    "actualizadas}, {unchanged} sin cambios.",
    "import_preview_sheet": " (hoja «{sheet}»)",
    "import_preview_merged": "\nRellené {count:# celda combinada|# celdas combinadas} con el valor "
    "de su primera celda.",
    "import_nothing_to_import": "\nNo hay filas que se puedan importar: revisa los problemas.",
    "import_missing_columns": "En «{file}» no encontré columnas para: {columns}. Pon una fila de "
    "títulos (por ejemplo Organización, Código modular, Actividad, Fecha inicio) o las etiquetas "
    "HXL (#org, #loc+code, #activity, #date+start).",
    "import_column_organization": "organización",
    "import_column_school_name": "escuela (código modular o nombre)",
    "import_column_activity": "actividad",
    "import_column_start": "fecha",
    "import_count_no_school": "{count:# fila sin escuela|# filas sin escuela}",
    "import_count_school_not_found": "{count:# escuela no encontrada|# escuelas no encontradas}",
    "import_count_school_unclear": "{count:# escuela dudosa|# escuelas dudosas}",
    "import_count_code_unknown": "{count:# código modular que no existe|# códigos modulares que "
    "no existen}",
    "import_count_out_of_scope": "{count:# fila fuera de tu ámbito|# filas fuera de tu ámbito}",
    "import_count_no_organization": "{count:# fila sin organización|# filas sin organización}",
    "import_count_organization_too_long": "{count:# nombre de organización demasiado largo|# "
    "nombres de organización demasiado largos}",
    "import_count_no_title": "{count:# fila sin actividad|# filas sin actividad}",
    "import_count_no_date": "{count:# fila sin fecha|# filas sin fecha}",
    "import_count_bad_date": "{count:# fecha que no entiendo|# fechas que no entiendo}",
    "import_count_no_year": "{count:# fecha sin año|# fechas sin año}",
    "import_count_only_month": "{count:# fecha con solo el mes|# fechas con solo el mes}",
    "import_count_end_before_start": "{count:# fila que termina antes de empezar|# filas que "
    "terminan antes de empezar}",
    "import_count_formula": "{count:# fila con fórmulas|# filas con fórmulas}",
    "import_count_duplicate": "{count:# fila repetida|# filas repetidas}",
    "import_reason_no_school": "sin escuela",
    "import_reason_school_not_found": "escuela no encontrada",
    "import_reason_school_unclear": "escuela dudosa",
    "import_reason_code_unknown": "ese código modular no existe",
    "import_reason_out_of_scope": "fuera de tu ámbito",
    "import_reason_no_organization": "sin organización",
    "import_reason_organization_too_long": "nombre de organización demasiado largo (máx. 100)",
    "import_reason_no_title": "sin actividad",
    "import_reason_no_date": "sin fecha",
    "import_reason_bad_date": "fecha que no entiendo (usa dd/mm/aaaa)",
    "import_reason_no_year": "fecha sin año",
    "import_reason_only_month": "solo el mes: falta el día",
    "import_reason_end_before_start": "termina antes de empezar",
    "import_reason_formula": "tiene una fórmula: pega solo los valores",
    "import_reason_duplicate": "repite la fila",
    "import_count_code_elsewhere": "{count:# código modular de una escuela de otro lugar|# "
    "códigos modulares de escuelas de otro lugar}",
    "import_reason_code_elsewhere": "ese código modular es de una escuela de otro lugar",
    "import_problem_line": "fila {row}: «{value}» — {reason}",
    "import_problem_guess": " — ¿{code} {name}, {district}?",
    "import_problems_title": "<b>Problemas de «{file}»</b> ({count})",
    "import_problems_more": "… y {count} más. Corrígelos en la planilla y envíala de nuevo.",
    "import_problems_none": "No hay problemas: todas las filas se reconocieron.",
    "import_done": "Importé «{file}»: {inserted:# nueva|# nuevas}, {updated:# actualizada|# "
    "actualizadas}, {unchanged} sin cambios, {skipped:# fila omitida|# filas omitidas}; "
    "{new_orgs:# organización nueva (no verificada)|# organizaciones nuevas (no verificadas)}.",
    "import_cancelled": "Listo, no importé «{file}».",
    "import_already_imported": "Esa planilla ya se importó.",
    "import_already_cancelled": "Esa importación ya estaba cancelada. Envía la planilla de nuevo "
    "si quieres importarla.",
    "import_gone": "No encontré esa importación. Envía la planilla de nuevo.",
    "import_download_failed": "No pude descargar «{file}» de Telegram. Envíalo de nuevo.",
    "import_file_changed": "No pude volver a leer la misma planilla. Envíala de nuevo.",
    "import_sheet_too_big": "«{file}» pesa más de 10 MB. Divide la planilla o quita las hojas "
    "que no son de actividades.",
    "import_sheet_too_many_rows": "«{file}» tiene más de 20 000 filas. Divídela en partes de "
    "hasta 20 000 filas y envíalas una por una.",
    "import_sheet_protected": "«{file}» está protegida con contraseña. Guárdala sin contraseña y "
    "envíala de nuevo.",
    "import_sheet_old_xls": "«{file}» es un Excel antiguo (.xls). Guárdala como .xlsx o .csv y "
    "envíala de nuevo.",
    "import_sheet_unsupported": "Solo leo planillas .xlsx y .csv. Guarda «{file}» en uno de esos "
    "formatos.",
    "import_sheet_corrupt": "No pude abrir «{file}»: el archivo parece dañado. Ábrelo en Excel, "
    "guárdalo de nuevo y envíalo.",
    "import_sheet_empty": "«{file}» está vacía.",
    "import_sheet_no_header": "En «{file}» no encontré una fila de títulos de una matriz 3W "
    "(Organización, Código modular o Institución educativa, Actividad, Fecha inicio…).",
    "import_followers_summary": "📥 {who} importó {count:# actividad próxima|# actividades "
    "próximas} en lo que sigues:\n{lines}",
    "import_followers_line": "• {title} — {school} — {day}",
    "import_followers_more": "… y {count} más.",
    "import_source": "Importada de «{file}», fila {row}, por {who}, el {day}.",
    "import_operator": "un operador de Minka",
    "import_forgotten": "alguien que ya no usa Minka",
    "all_day": "todo el día",
    "whole_days": "días completos",
    "btn_import_problems": "Ver problemas",
    "btn_import_run": "Importar",
    "btn_import_cancel": "Cancelar",
    # The web overview, whole for a newcomer (issue 17): the sandbox's demo, signing out, the
    # period in words.
    "panel_sandbox_demo": "En este sandbox hay un panorama de demostración: escribe "
    "<code>/as Carlos</code> y luego <code>/panel</code>.",
    "web_logout": "Salir",
    "web_logout_confirm": "¿Salir del panorama en este navegador? Para volver a entrar "
    "necesitarás un enlace nuevo: escribe /panel en el chat de Minka.",
    "web_logged_out": "Saliste del panorama. Para volver a entrar, escribe /panel en el chat de "
    "Minka y abre el enlace nuevo que te envío.",
    "web_period_words": "Periodo: {days}",
    "web_bad_period": "Esas fechas no forman un periodo: elige en el formulario un día de inicio "
    "y uno de fin, el fin después del inicio y a lo más 10 años entre ellos.",
    # Crowd day (fewer calls per step): the record of a tapped choice, above the next prompt
    "answer_record": "✓ {choice}",
}
