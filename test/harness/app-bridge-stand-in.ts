// A local stand-in for App Bridge, whose CDN script is unreachable in tests and useless outside the
// Shopify admin. No imports: scripts/serve-demo.ts loads it before the app's environment exists.

/**
 * What the real App Bridge does that the page relies on: `shopify.idToken()`, a `fetch` that adds
 * `Authorization: Bearer <session token>` to the app's own requests (Remix data and actions),
 * `<ui-nav-menu>` (the admin renders its links in its sidebar), and `shopify.toast.show()`: the admin
 * shows a toast at the bottom of its window; here it shows at the bottom of the page, in a polite live
 * region, for `duration` ms (default 5 s), and every message is also kept in
 * `window.__appBridgeToasts` (`{ message, isError }`) for tests to read after it is gone.
 *
 * `standalone` (scripts/serve-demo.ts: the pages opened in a normal browser tab, no admin around
 * them): the nav menu's links show as a bar at the top, and the admin's query parameters (shop,
 * host, id_token) stay in the address bar across client-side navigation, so a reload still works.
 * Otherwise (browser tests) the nav menu renders nothing, as inside the admin's iframe.
 */
export function appBridgeStandIn({ standalone = false }: { standalone?: boolean } = {}): string {
  return `(() => {
  const params = new URLSearchParams(location.search);
  const idToken = params.get("id_token");
  const realFetch = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin || !idToken) return realFetch(input, init);
    const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    if (!headers.has("authorization")) headers.set("authorization", "Bearer " + idToken);
    return realFetch(input, { ...init, headers });
  };
  const toastLog = (window.__appBridgeToasts = []);
  let toastCount = 0;
  const showToast = (message, opts = {}) => {
    const id = "toast-" + ++toastCount;
    toastLog.push({ message: String(message), isError: Boolean(opts.isError) });
    let host = document.getElementById("app-bridge-toasts");
    if (!host) {
      host = document.createElement("div");
      host.id = "app-bridge-toasts";
      host.setAttribute("role", "status");
      host.setAttribute("aria-live", "polite");
      host.style.cssText = "position:fixed;left:0;right:0;bottom:16px;z-index:1000;display:flex;flex-direction:column;align-items:center;gap:8px;pointer-events:none;";
      document.body.appendChild(host);
    }
    const toast = document.createElement("div");
    toast.className = "app-bridge-toast";
    toast.id = id;
    toast.textContent = String(message);
    toast.style.cssText = "max-width:min(90vw,480px);padding:10px 16px;border-radius:10px;color:#fff;background:" + (opts.isError ? "#8e1f0b" : "#1a1a1a") + ";font:500 14px/20px -apple-system,BlinkMacSystemFont,'Segoe UI',sans-serif;box-shadow:0 4px 12px rgba(0,0,0,.25);";
    host.appendChild(toast);
    setTimeout(() => toast.remove(), typeof opts.duration === "number" ? opts.duration : 5000);
    return id;
  };
  const hideToast = (id) => document.getElementById(id)?.remove();
  window.shopify = { idToken: async () => idToken, toast: { show: showToast, hide: hideToast }, loading() {} };
  const standalone = ${standalone ? "true" : "false"};
  if (standalone) {
    const kept = ["embedded", "shop", "host", "id_token"].filter((k) => params.has(k));
    const withAdminParams = (target) => {
      if (target === undefined || target === null) return target;
      const url = new URL(String(target), location.href);
      if (url.origin !== location.origin || !url.pathname.startsWith("/app")) return target;
      for (const k of kept) if (!url.searchParams.has(k)) url.searchParams.set(k, params.get(k));
      return url.pathname + url.search + url.hash;
    };
    for (const method of ["pushState", "replaceState"]) {
      const original = history[method].bind(history);
      history[method] = (state, title, url) => original(state, title, withAdminParams(url));
    }
  }
  // The links stay in the light DOM (React hydrates them); the shadow root decides what shows.
  customElements.define("ui-nav-menu", class extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: "open" });
      if (!standalone) return;
      root.innerHTML = \`<style>
        :host { display: flex; gap: 4px; padding: 8px 16px; background: #1a1a1a; font: 500 13px/20px -apple-system, BlinkMacSystemFont, "Segoe UI", sans-serif; }
        ::slotted(a) { color: #e3e3e3; text-decoration: none; padding: 4px 10px; border-radius: 8px; }
        ::slotted(a:hover) { background: #303030; color: #fff; }
      </style><slot></slot>\`;
    }
  });
})();`;
}
