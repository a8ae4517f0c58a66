/** Activity types, numbered as Marketo numbers them so existing REST clients understand them. */
export const ActivityType = Object.freeze({
  NewLead: 12,
  ChangeDataValue: 13,
  /** A marketing-only person queued for creation in Dynamics (attributes: Assign To, Sync As). */
  SyncLeadToMicrosoft: 300,
  SyncError: 10001,
} as const);
export type ActivityTypeId = (typeof ActivityType)[keyof typeof ActivityType];

/** The most Change Data Value activities one account field change logs (the reference product's cap). */
export const CDV_FAN_OUT_CAP = 5000;

export type ChangeSource = 'dynamics' | 'local';

/** What a marketing-only person is created as in Dynamics ("Sync Person to Microsoft"). */
export const PUSH_TARGETS = ['lead', 'contact'] as const;
export type PushTarget = (typeof PUSH_TARGETS)[number];
export const isPushTarget = (v: unknown): v is PushTarget => v === 'lead' || v === 'contact';
