/** What a link kind contributes to RTM_NEWLINK: the contents of IFLA_INFO_DATA (if any). */
import type { AttrWriter } from '../../codec/attr.js';
import type { LinkKind, LinkSpec } from '../types.js';

/** The spec shape for one kind (works for members that share a kind union, like ifb | dummy). */
export type SpecOf<K extends LinkKind> = LinkSpec & { kind: K };

export type WriteKindData<K extends LinkKind> = (spec: SpecOf<K>, data: AttrWriter) => void;
