/** The OpenAPI security requirements an operation declares (`security` in its route schema). */
export type Security = Array<Record<string, string[]>>;

/** An operation open to anyone who reaches the service, keys or not: health, readiness, metrics. */
export const openToAll: Security = [];
