/** Activity types, numbered as Marketo numbers them so existing REST clients understand them. */
export const ActivityType = Object.freeze({
  NewLead: 12,
  ChangeDataValue: 13,
  SyncError: 10001,
} as const);
export type ActivityTypeId = (typeof ActivityType)[keyof typeof ActivityType];

/** The most Change Data Value activities one account field change logs (the reference product's cap). */
export const CDV_FAN_OUT_CAP = 5000;

export type ChangeSource = 'dynamics' | 'local';
