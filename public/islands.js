// The handheld version is installable and keeps its frame for a bad connection
// (public/sw.js, for /m only); where service workers are missing, it works without.
if ("serviceWorker" in navigator && /^\/m(\/|$)/.test(location.pathname)) {
  navigator.serviceWorker.register("/sw.js", { scope: "/m" }).catch(() => {});
}

// Wakes the islands of a page, and only where there are some: a page without an
// island (home, catalog, guide, lookup…) loads no client code beyond this file.
// (It takes the place of Leptos's <HydrationScripts islands>, which loads the
// whole WASM on every page.) Islands are found in document order; an island's
// `leptos-children` run their hook before the islands inside them wake.
const page = document.body;
if (page.querySelector("leptos-island")) {
  const client = await import("/pkg/portal.js");
  await client.default({ module_or_path: "/pkg/portal.wasm" });
  client.hydrate();
  const childHooks = [];
  const wakeIsland = async (el) => {
    const island = client[el.dataset.component];
    if (!island) {
      console.warn(`no client code for the island ${el.dataset.component}`);
      return;
    }
    const hook = childHooks[childHooks.length - 1];
    if (hook) hook();
    await island(el);
  };
  const walk = async (node) => {
    for (const el of node.children) {
      const tag = el.localName;
      if (tag === "leptos-island") {
        await wakeIsland(el);
      } else if (tag === "leptos-children") {
        childHooks.push(el.$$on_hydrate);
        await walk(el);
        childHooks.pop();
        continue;
      }
      await walk(el);
    }
  };
  await walk(page);
  window.__hydrateIsland = (el) => wakeIsland(el);
}
