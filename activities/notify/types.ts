// The delivery activities' signatures, importable as types by workflows/notify.ts.

export interface NotifyActivities {
  /**
   * One attempt at one delivery (mail or webhook), counted in the deliveries log. Throws when
   * the attempt failed (the workflow's retry policy tries again, with back-off); type
   * `DeliveryRefused` for what no retry can fix (no SMTP server, a refused webhook address).
   * A delivery no longer pending (delivered, given up, gone) is left as it is.
   */
  deliverNotification(deliveryId: string): Promise<void>;
  /** Marks a delivery `failed` after its last attempt. */
  giveUpDelivery(deliveryId: string): Promise<void>;
}

/** Input of workflow `notify-<notification id>`. */
export interface NotifyWorkflowInput {
  notificationId: string;
  deliveryIds: string[];
}
