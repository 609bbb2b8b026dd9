// Notification vocabulary shared by the delivery workflow and its activities.

/** Failure type of a delivery no retry can fix (no SMTP server, a refused webhook address). */
export const DELIVERY_REFUSED = 'DeliveryRefused';
