/** Who an inbox item is for: a signed-in user (JWT `sub`) or an official from the directory who has not signed in yet. */
export type InboxRecipient =
  | { readonly recipientSub: string; readonly recipientOfficialId?: never }
  | { readonly recipientOfficialId: string; readonly recipientSub?: never };

/** One row of the in-app inbox (`GET /v1/inbox`). Subject and text are the notification's, in Bahasa Indonesia. */
export type InboxItemRow = InboxRecipient & {
  readonly id: string;
  readonly caseId: string | null;
  readonly projectId: string;
  readonly subject: string;
  readonly text: string;
  readonly createdAt: Date;
  readonly readAt: Date | null;
};
