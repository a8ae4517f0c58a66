/** The alerts: the alerter run beside the cycles, its channels and signature, and the settings in force. */
export { checkAlerts, startAlerter, type AlerterDeps } from './alerter.js';
export { alertChannels, SIGNATURE_HEADER, signBody, verifySignature, type AlertChannel } from './channels.js';
export { alertSettingsView, currentAlerts, effectiveFields, lockedFields } from './settings.js';
