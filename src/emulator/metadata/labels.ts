/** Dataverse Label objects (LocalizedLabels + UserLocalizedLabel), English only. */
import { stableUuid } from '../identity/ids.js';

export interface LocalizedLabel {
  Label: string;
  LanguageCode: number;
  IsManaged: boolean;
  MetadataId: string;
  HasChanged: null;
}

export interface Label {
  LocalizedLabels: LocalizedLabel[];
  UserLocalizedLabel: LocalizedLabel | null;
}

/** `key` makes the label's MetadataId stable (labels have their own ids in Dataverse). */
export function label(text: string | undefined, key: string): Label {
  if (!text) return { LocalizedLabels: [], UserLocalizedLabel: null };
  const l: LocalizedLabel = {
    Label: text,
    LanguageCode: 1033,
    IsManaged: true,
    MetadataId: stableUuid('label', key),
    HasChanged: null,
  };
  return { LocalizedLabels: [l], UserLocalizedLabel: { ...l } };
}
