// The query editor: YASGUI bound to this endpoint only. Prefixes and completions come from
// this server (/sparql/vocabulary), never from prefix.cc or LOV, so the page works offline.
(function () {
  "use strict";
  const root = document.getElementById("editor");
  const endpoint = new URL(root.dataset.endpoint, location.href).href;
  const Yasqe = window.Yasqe;
  let vocabulary = null;

  function loadVocabulary() {
    if (!vocabulary) {
      vocabulary = fetch(root.dataset.vocabulary, { headers: { Accept: "application/json" } })
        .then((response) => {
          if (!response.ok) throw new Error(`vocabulary: HTTP ${response.status}`);
          return response.json();
        });
    }
    return vocabulary;
  }

  // Our completers replace every default one that would call another host.
  Yasqe.forkAutocompleter("prefixes", {
    name: "newsgraph-prefixes",
    persistenceId: null,
    get: () => loadVocabulary().then((v) =>
      Object.entries(v.prefixes).map(([p, iri]) => `${p}: <${iri}>`).sort()),
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "newsgraph-classes",
    bulk: true,
    get: () => loadVocabulary().then((v) => v.classes),
  }, false);
  Yasqe.forkAutocompleter("property", {
    name: "newsgraph-properties",
    bulk: true,
    get: () => loadVocabulary().then((v) => v.properties),
  }, false);
  const completers = Yasqe.defaults.autocompleters;
  completers.splice(0, completers.length,
    "variables", "newsgraph-prefixes", "newsgraph-classes", "newsgraph-properties");
  Yasqe.defaults.prefixCcApi = null;

  const example = root.dataset.example;
  const yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    // A link may carry a query (#query=…); it always runs here, never on another endpoint.
    populateFromUrl: (tab) => {
      tab.requestConfig.endpoint = endpoint;
      return tab;
    },
    yasqe: { value: example },
  });
  window.newsgraphEditor = yasgui;

  // "Open" links under the editor put a saved query into a new tab and run it.
  document.querySelectorAll("a[data-open-query]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const tab = yasgui.addTab(true, {
        name: link.dataset.name,
        yasqe: { value: link.dataset.openQuery },
        requestConfig: { endpoint: endpoint },
      }, { avoidDuplicateTabs: true });
      tab.query().catch(() => {});
    });
  });
})();
