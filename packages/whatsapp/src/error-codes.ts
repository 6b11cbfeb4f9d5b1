/**
 * WhatsApp Cloud API error codes (contract section 9): title, whether a sender may retry, where the
 * error shows up, the HTTP status the simulator answers with (section 10.1), and a short explanation
 * for agents in English and German. Branch on `code`, never on titles.
 */
export type ErrorWhere = 'sync' | 'async' | 'both';
export type ErrorCodeInfo = {
  code: number;
  title: string;
  retryable: boolean;
  where: ErrorWhere;
  httpStatus: number;
  explanation: { en: string; de: string };
};

type Row = [code: number, title: string, retryable: boolean, where: ErrorWhere, en: string, de: string];

// biome-ignore format: one row per code reads best as a table
const rows: Row[] = [
  [0, 'AuthException', false, 'sync', 'The access token could not be used. An admin must renew it (Settings → Channels → Edit).', 'Das Zugriffstoken ist ungültig. Ein Admin muss es erneuern (Einstellungen → Kanäle → Bearbeiten).'],
  [1, 'API Unknown', true, 'sync', 'WhatsApp reported an unknown error. Try once more later.', 'WhatsApp meldet einen unbekannten Fehler. Später erneut versuchen.'],
  [2, 'API Service', true, 'sync', 'WhatsApp is temporarily unavailable. Sending is retried automatically.', 'WhatsApp ist vorübergehend nicht erreichbar. Der Versand wird automatisch wiederholt.'],
  [3, 'API Method', false, 'sync', 'The app lacks a permission for this action. An admin must fix the app setup.', 'Der App fehlt eine Berechtigung. Ein Admin muss die Einrichtung korrigieren.'],
  [4, 'Too many calls', true, 'sync', 'Too many requests to WhatsApp. Sending slows down and retries.', 'Zu viele Anfragen an WhatsApp. Der Versand wird gedrosselt und wiederholt.'],
  [10, 'Permission denied', false, 'sync', 'WhatsApp denied permission for this action.', 'WhatsApp hat die Berechtigung für diese Aktion verweigert.'],
  [33, 'Parameter value is not valid', false, 'sync', 'The business phone number was deleted. Reconfigure the channel.', 'Die Geschäftsnummer wurde gelöscht. Den Kanal neu einrichten.'],
  [100, 'Invalid parameter', false, 'sync', 'The request had an invalid or unsupported field.', 'Die Anfrage enthielt ein ungültiges oder nicht unterstütztes Feld.'],
  [190, 'Access token has expired', false, 'sync', 'The WhatsApp access token expired or is invalid. An admin must renew it (Settings → Channels → Edit).', 'Das WhatsApp-Zugriffstoken ist abgelaufen oder ungültig. Ein Admin muss es erneuern (Einstellungen → Kanäle → Bearbeiten).'],
  [200, 'Permission error', false, 'sync', 'No access token or a missing permission.', 'Kein Zugriffstoken oder fehlende Berechtigung.'],
  [368, 'Temporarily blocked for policies violations', false, 'both', 'The WhatsApp account is restricted for a policy violation. Sending is paused.', 'Das WhatsApp-Konto ist wegen eines Richtlinienverstoßes eingeschränkt. Der Versand ist pausiert.'],
  [80007, 'Rate limit issues', true, 'sync', 'The WhatsApp account hit its API rate limit. Retried later.', 'Das WhatsApp-Konto hat sein API-Limit erreicht. Wird später wiederholt.'],
  [130403, 'Recipient blocked by business', false, 'both', 'This contact is blocked by the business. Unblock them first.', 'Dieser Kontakt ist vom Unternehmen blockiert. Zuerst die Blockierung aufheben.'],
  [130429, 'Rate limit hit', true, 'both', 'Too many messages per second from this number. Sending slows down and retries.', 'Zu viele Nachrichten pro Sekunde von dieser Nummer. Der Versand wird gedrosselt und wiederholt.'],
  [130472, "User's number is part of an experiment", false, 'async', 'WhatsApp held back this marketing message for an experiment (not charged).', 'WhatsApp hat diese Marketingnachricht für ein Experiment zurückgehalten (kostenlos).'],
  [130497, 'Business account is restricted from messaging users in this country', false, 'both', 'This account may not message users in that country.', 'Dieses Konto darf Nutzer in diesem Land nicht anschreiben.'],
  [131000, 'Something went wrong', true, 'both', 'WhatsApp could not send the message for an unknown reason.', 'WhatsApp konnte die Nachricht aus unbekanntem Grund nicht senden.'],
  [131005, 'Access denied', false, 'sync', 'Access to this WhatsApp resource was denied.', 'Der Zugriff auf diese WhatsApp-Ressource wurde verweigert.'],
  [131008, 'Required parameter is missing', false, 'sync', 'The message is missing a required field.', 'Der Nachricht fehlt ein Pflichtfeld.'],
  [131009, 'Parameter value is not valid', false, 'both', 'A value in the message is not valid (for example a reaction to an unknown message).', 'Ein Wert in der Nachricht ist ungültig (zum Beispiel eine Reaktion auf eine unbekannte Nachricht).'],
  [131016, 'Service unavailable', true, 'both', 'WhatsApp is temporarily unavailable. Sending is retried automatically.', 'WhatsApp ist vorübergehend nicht verfügbar. Der Versand wird automatisch wiederholt.'],
  [131021, 'Recipient cannot be sender', false, 'sync', 'The business number cannot message itself.', 'Die Geschäftsnummer kann sich nicht selbst schreiben.'],
  [131026, 'Message undeliverable', false, 'async', 'The message could not be delivered: the number may not use WhatsApp or has an outdated app.', 'Die Nachricht war nicht zustellbar: Die Nummer nutzt evtl. kein WhatsApp oder eine veraltete App.'],
  [131030, 'Recipient phone number not in allowed list', false, 'sync', 'Test numbers can only message allow-listed recipients.', 'Testnummern dürfen nur freigegebene Empfänger anschreiben.'],
  [131031, 'Account has been locked', false, 'both', 'The business account is locked. Check its health status.', 'Das Geschäftskonto ist gesperrt. Den Kontostatus prüfen.'],
  [131037, 'WhatsApp provided number needs display name approval before message can be sent', false, 'sync', 'The number needs an approved display name first.', 'Die Nummer braucht zuerst einen genehmigten Anzeigenamen.'],
  [131042, 'Business eligibility payment issue', false, 'both', 'There is a billing problem with the WhatsApp account.', 'Es gibt ein Abrechnungsproblem mit dem WhatsApp-Konto.'],
  [131044, 'Business eligibility payment issue (calling)', false, 'sync', 'There is a billing problem with calling on this account.', 'Es gibt ein Abrechnungsproblem mit Anrufen auf diesem Konto.'],
  [131045, 'Incorrect certificate', false, 'both', 'The phone number is not correctly registered.', 'Die Telefonnummer ist nicht korrekt registriert.'],
  [131047, 'Re-engagement message', false, 'async', 'More than 24 hours passed since the customer last wrote. Send an approved template instead.', 'Seit der letzten Nachricht des Kunden sind mehr als 24 Stunden vergangen. Stattdessen eine genehmigte Vorlage senden.'],
  [131048, 'Spam rate limit hit', false, 'both', 'Sending is restricted because many messages were blocked or reported. Stop and review quality.', 'Der Versand ist eingeschränkt, weil viele Nachrichten blockiert oder gemeldet wurden. Anhalten und Qualität prüfen.'],
  [131049, 'This message was not delivered to maintain healthy ecosystem engagement.', true, 'async', 'WhatsApp limited marketing messages to this person. Try again in 24 hours at the earliest.', 'WhatsApp hat Marketingnachrichten an diese Person begrenzt. Frühestens in 24 Stunden erneut versuchen.'],
  [131050, 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.', false, 'async', 'The customer stopped marketing messages from this business. Do not resend.', 'Der Kunde hat Marketingnachrichten dieses Unternehmens abbestellt. Nicht erneut senden.'],
  [131051, 'Unsupported message type', false, 'both', 'This message type is not supported.', 'Dieser Nachrichtentyp wird nicht unterstützt.'],
  [131052, 'Media download error', false, 'async', "The customer's media could not be downloaded. Ask them to send it again.", 'Die Mediendatei des Kunden konnte nicht geladen werden. Um erneutes Senden bitten.'],
  [131053, 'Media upload error', false, 'both', 'The file could not be sent: unsupported type, too large or unreachable.', 'Die Datei konnte nicht gesendet werden: Typ nicht unterstützt, zu groß oder nicht erreichbar.'],
  [131056, '(Business Account, Consumer Account) pair rate limit hit', true, 'both', 'Too many messages to this customer in a short time. Sending waits and retries.', 'Zu viele Nachrichten an diesen Kunden in kurzer Zeit. Der Versand wartet und wiederholt.'],
  [131057, 'Account in maintenance mode', true, 'sync', 'The WhatsApp account is in maintenance. Retried in a minute.', 'Das WhatsApp-Konto wird gewartet. Wird in einer Minute wiederholt.'],
  [131060, 'This message is currently unavailable', false, 'async', 'WhatsApp could not show this incoming message.', 'WhatsApp konnte diese eingehende Nachricht nicht anzeigen.'],
  [131062, 'Business-scoped user ID recipients not supported', false, 'sync', 'This message cannot be sent to a username-only contact. Use the phone number.', 'Diese Nachricht kann nicht an einen Kontakt ohne Telefonnummer gesendet werden.'],
  [131063, 'Marketing templates disabled', false, 'sync', 'Marketing templates are disabled for this account.', 'Marketingvorlagen sind für dieses Konto deaktiviert.'],
  [131064, 'Messaging limit reached due to template category violations', false, 'both', 'Sending is restricted because of template category violations.', 'Der Versand ist wegen Verstößen gegen Vorlagenkategorien eingeschränkt.'],
  [132000, 'Number of parameters does not match the expected number of params', false, 'both', "The template's placeholders and the values sent do not match.", 'Platzhalter der Vorlage und gesendete Werte passen nicht zusammen.'],
  [132001, 'Template name does not exist in the translation', false, 'both', 'The template does not exist in this language or is not approved.', 'Die Vorlage existiert in dieser Sprache nicht oder ist nicht genehmigt.'],
  [132005, 'Translated text too long', false, 'both', 'The filled-in template text is too long.', 'Der ausgefüllte Vorlagentext ist zu lang.'],
  [132007, 'Format character policy violated', false, 'both', 'The template content violates WhatsApp policy.', 'Der Vorlageninhalt verstößt gegen WhatsApp-Richtlinien.'],
  [132008, 'Template parameter value invalid', false, 'both', 'A template value is invalid.', 'Ein Vorlagenwert ist ungültig.'],
  [132012, 'Parameter format does not match format in the created template', false, 'both', 'A template value has the wrong format (for example an image where a video is expected).', 'Ein Vorlagenwert hat das falsche Format (zum Beispiel Bild statt Video).'],
  [132015, 'Template is paused', false, 'both', 'The template is paused for low quality. Use or edit another template.', 'Die Vorlage ist wegen geringer Qualität pausiert. Eine andere Vorlage verwenden oder bearbeiten.'],
  [132016, 'Template is disabled', false, 'both', 'The template was disabled permanently. Create a new one.', 'Die Vorlage wurde dauerhaft deaktiviert. Eine neue erstellen.'],
  [132018, 'There was an issue with the parameters in your template', false, 'sync', 'The template values failed validation.', 'Die Vorlagenwerte sind ungültig.'],
  [132068, 'Flow is in blocked state', false, 'both', 'The flow is blocked.', 'Der Flow ist blockiert.'],
  [132069, 'Flow is in throttled state', true, 'both', 'The flow was sent too often. Try again in an hour.', 'Der Flow wurde zu oft gesendet. In einer Stunde erneut versuchen.'],
  [133000, 'Incomplete deregistration', false, 'sync', 'A previous deregistration failed. Deregister again.', 'Eine frühere Abmeldung ist fehlgeschlagen. Erneut abmelden.'],
  [133004, 'Server temporarily unavailable', true, 'sync', 'The registration service is temporarily unavailable.', 'Der Registrierungsdienst ist vorübergehend nicht verfügbar.'],
  [133005, 'Two step verification PIN mismatch', false, 'sync', 'The two-step verification PIN is wrong.', 'Die PIN der Zwei-Schritt-Verifizierung ist falsch.'],
  [133006, 'Phone number re-verification needed', false, 'sync', 'The phone number must be verified again before registering.', 'Die Telefonnummer muss vor der Registrierung erneut verifiziert werden.'],
  [133008, 'Too many two step verification PIN guesses', false, 'sync', 'Too many PIN attempts. Wait before trying again.', 'Zu viele PIN-Versuche. Vor dem nächsten Versuch warten.'],
  [133009, 'Two step verification PIN guessed too fast', false, 'sync', 'PIN entered too quickly. Wait before trying again.', 'PIN zu schnell eingegeben. Vor dem nächsten Versuch warten.'],
  [133010, 'Phone number Not Registered', false, 'both', 'The phone number is not registered on WhatsApp Business.', 'Die Telefonnummer ist nicht bei WhatsApp Business registriert.'],
  [133015, 'Please wait a few minutes before attempting to register this phone number', true, 'sync', 'The number was deleted recently. Wait a few minutes.', 'Die Nummer wurde kürzlich gelöscht. Einige Minuten warten.'],
  [133016, 'Account register deregister rate limit exceeded', true, 'sync', 'Too many registration attempts. Try later.', 'Zu viele Registrierungsversuche. Später erneut versuchen.'],
  [134011, 'WhatsApp Payments terms of service not accepted', false, 'sync', 'The payments terms of service were not accepted.', 'Die Nutzungsbedingungen für Zahlungen wurden nicht akzeptiert.'],
  [135000, 'Generic user error', false, 'sync', 'WhatsApp rejected the request parameters.', 'WhatsApp hat die Anfrageparameter abgelehnt.'],
  [137000, 'Identity key hash mismatch', false, 'sync', "The customer's identity changed. Confirm it before sending.", 'Die Identität des Kunden hat sich geändert. Vor dem Senden bestätigen.'],
  [2388019, 'Message template count limit reached', false, 'sync', 'The account has reached its maximum number of templates.', 'Das Konto hat die maximale Anzahl an Vorlagen erreicht.'],
  [2388024, 'Content in this language already exists', false, 'sync', 'A template with this name already exists in this language.', 'Eine Vorlage mit diesem Namen existiert in dieser Sprache bereits.'],
  [2494100, 'Phone number in maintenance mode', true, 'sync', 'The number is being migrated. Retry in a few minutes.', 'Die Nummer wird migriert. In einigen Minuten erneut versuchen.'],
];

const HTTP_STATUS_OVERRIDES: Record<number, number> = {
  0: 401,
  190: 401,
  3: 403,
  10: 403,
  368: 403,
  131005: 403,
  131031: 403,
  4: 429,
  80007: 429,
  130429: 429,
  1: 500,
  131000: 500,
  2: 503,
  131016: 503,
  133004: 503,
};

/** Default HTTP status for a code (section 10.1: 400 unless listed; 200–299 → 403). */
export function defaultHttpStatus(code: number): number {
  const override = HTTP_STATUS_OVERRIDES[code];
  if (override !== undefined) return override;
  if (code >= 200 && code <= 299) return 403;
  return 400;
}

/** Every known code, keyed by number. */
export const ERROR_CODES: ReadonlyMap<number, ErrorCodeInfo> = new Map(
  rows.map(([code, title, retryable, where, en, de]) => [
    code,
    { code, title, retryable, where, httpStatus: defaultHttpStatus(code), explanation: { en, de } },
  ]),
);

const UNKNOWN_EXPLANATION = {
  en: 'WhatsApp returned an error this version of Parley does not know.',
  de: 'WhatsApp hat einen Fehler gemeldet, den diese Parley-Version nicht kennt.',
};

/** Looks a code up; unknown codes get a generic, non-retryable entry (200–299 map to permission errors). */
export function describeErrorCode(code: number): ErrorCodeInfo {
  const known = ERROR_CODES.get(code);
  if (known) return known;
  if (code >= 200 && code <= 299) return { ...ERROR_CODES.get(200)!, code };
  return {
    code,
    title: 'Unknown error',
    retryable: false,
    where: 'both',
    httpStatus: defaultHttpStatus(code),
    explanation: UNKNOWN_EXPLANATION,
  };
}

/** True when a sender may retry after this code (with back-off). */
export function isRetryableErrorCode(code: number): boolean {
  return describeErrorCode(code).retryable;
}

export const ERROR_CODES_HREF =
  'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes';
