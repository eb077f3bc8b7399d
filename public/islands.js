// What only installing the handheld version needs waits for the page to paint, so
// its fetches do not compete with the page's own: the web app manifest (and with it
// its icons), and the service worker that keeps the frame for a bad connection
// (public/sw.js, for /m only; where service workers are missing, /m works without).
const afterFirstPaint = new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
afterFirstPaint.then(() => {
  const manifest = document.createElement("link");
  manifest.rel = "manifest";
  manifest.href = "/manifest.webmanifest";
  document.head.append(manifest);
  if ("serviceWorker" in navigator && /^\/m(\/|$)/.test(location.pathname)) {
    navigator.serviceWorker.register("/sw.js", { scope: "/m" }).catch(() => {});
  }
});

// Wakes the islands of a page, and only where there are some: a page without an
// island (home, catalog, guide, lookup…) loads no client code beyond this file.
// (It takes the place of Leptos's <HydrationScripts islands>, which loads the
// whole WASM on every page.) Islands wake in document order, so an island wakes
// before the islands inside its children.
// The page is whole without its islands (forms work without JavaScript), so the
// client code waits for the first paint and is fetched at low priority: on a slow
// phone the words come first, then what makes them livelier. Waking is split into
// tasks (one to start, one per island) so a tap is never kept waiting long.
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
const page = document.body;
if (page.querySelector("leptos-island")) {
  await afterFirstPaint;
  const client = await import("/pkg/portal.js");
  await client.default({ module_or_path: fetch("/pkg/portal.wasm", { priority: "low" }) });
  await nextTask();
  client.hydrate();
  const wakeIsland = async (el) => {
    const island = client[el.dataset.component];
    if (!island) {
      console.warn(`no client code for the island ${el.dataset.component}`);
      return;
    }
    await nextTask();
    // An island inside another's children: the outer island, awake by now, set a
    // hook on those children that gives the inner one its owner.
    const hook = el.parentElement?.closest("leptos-children")?.$$on_hydrate;
    if (hook) hook();
    await island(el);
  };
  // Found at once by the browser rather than by walking the page in script: on a
  // long form that walk was a task of its own.
  for (const el of page.querySelectorAll("leptos-island")) {
    await wakeIsland(el);
  }
  window.__hydrateIsland = (el) => wakeIsland(el);
}
