/** cni.dev/valid-attachments of a GC request (see src/skel/valid-attachments.ts). */
export { validAttachments as validAttachmentsOf } from '../../skel/valid-attachments.js';
