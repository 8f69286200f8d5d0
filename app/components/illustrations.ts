// Empty-state pictures, inline (data: URLs) so they show without Shopify's CDN — in the demo too.
const svg = (body: string) =>
  "data:image/svg+xml," +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="226" height="226" viewBox="0 0 226 226">${body}</svg>`,
  );

/** An invoice with a check mark (Orders). */
export const INVOICE_ILLUSTRATION = svg(
  `<circle cx="113" cy="113" r="100" fill="#f1f1f1"/>` +
    `<rect x="68" y="46" width="90" height="120" rx="8" fill="#fff" stroke="#8a8a8a" stroke-width="4"/>` +
    `<path d="M84 76h58M84 94h58M84 112h36" stroke="#b5b5b5" stroke-width="6" stroke-linecap="round"/>` +
    `<circle cx="150" cy="150" r="26" fill="#29845a"/>` +
    `<path d="M138 150l9 9 16-18" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/>`,
);

/** A list with a clock (Activity). */
export const LOG_ILLUSTRATION = svg(
  `<circle cx="113" cy="113" r="100" fill="#f1f1f1"/>` +
    `<rect x="60" y="56" width="106" height="112" rx="8" fill="#fff" stroke="#8a8a8a" stroke-width="4"/>` +
    `<path d="M78 84h14M102 84h46M78 108h14M102 108h46M78 132h14M102 132h30" stroke="#b5b5b5" stroke-width="6" stroke-linecap="round"/>` +
    `<circle cx="156" cy="152" r="26" fill="#005bd3"/>` +
    `<path d="M156 138v15l10 6" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>`,
);
