// Pagina «Cerca»: ricerca a faccette con l'API JavaScript di Pagefind.
// Ogni regione ha il suo indice (pagefind/<regione>/, a blocchi se è grande): con una regione scelta si scarica solo
// quello, più i frammenti dei risultati mostrati; senza regione si cercano tutte insieme.
// I valori dei menu vengono da filtri.json, così non serve scaricare tutti i filtri dell'indice.
// Un servizio per tutto l'ambito è indicizzato per ambito (ambito_intero), non comune per comune:
// cercare un comune significa «elencato per nome, oppure per tutto il suo ambito».
const PAGE_SIZE = 10;
const siteRoot = new URL("../", window.location.href);
const indexRoot = new URL("pagefind/", siteRoot);
const form = document.getElementById("ra-cerca");
const input = document.getElementById("ra-q");
const status = document.getElementById("ra-stato-ricerca");
const list = document.getElementById("ra-risultati");
const more = document.getElementById("ra-altri");
const regionSelect = document.getElementById("ra-f-regione");
const regionField = document.getElementById("ra-campo-regione");
const regionNote = document.getElementById("ra-nota-regione");
const selects = Array.from(form.querySelectorAll("select[data-filtro]"));
const statusSelect = document.getElementById("ra-f-stato");
const filterBox = document.getElementById("ra-filtri-box");
const filterCount = document.getElementById("ra-filtri-attivi");
const onlyActive = document.getElementById("ra-solo-attivi");
const widen = document.getElementById("ra-tutti-gli-stati");
// Chi cerca per una famiglia vuole i servizi attivi: «Attivo» è scelto in partenza, e un pulsante
// accanto ai risultati allarga la ricerca. Nell'indirizzo «stato=tutti» vuol dire nessun filtro di stato.
const DEFAULT_STATUS = "Attivo";
const ALL_STATUSES = "tutti";
// Sul telefono i filtri stanno chiusi dietro un solo controllo; sugli schermi larghi restano aperti.
filterBox.open = window.matchMedia("(min-width: 60em)").matches;

let regions = null;
let loaded = { valori: {}, ambiti_dei_comuni: {} };
const engines = new Map();
const valuesByRegion = new Map();
let current = [];
let shown = 0;
let searchId = 0;

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function currentRegion() {
  if (regions.regioni.length === 1) return regions.regioni[0].id;
  return regionSelect.value || null;
}

// One Pagefind instance per regione; the instance for "all regioni" merges every index into the
// first one, loaded under another address so that it stays apart from that regione's own instance.
// A large regione is indexed in shards (regioni.json lists them in "indici"): they are merged too.
function engineFor(regionId) {
  const key = regionId || "*";
  if (!engines.has(key)) {
    engines.set(key, (async () => {
      const chosen = regionId ? regions.regioni.filter((r) => r.id === regionId) : regions.regioni;
      const bundles = chosen.flatMap((r) => r.indici || [r.indice]);
      const entry = new URL(`${bundles[0]}pagefind.js`, indexRoot);
      if (!regionId) entry.search = "tutte";
      const engine = await import(entry.href);
      await engine.options({ baseUrl: siteRoot.pathname });
      await engine.init();
      for (const other of bundles.slice(1)) {
        await engine.mergeIndex(new URL(other, indexRoot).pathname, { baseUrl: siteRoot.pathname });
      }
      return engine;
    })());
  }
  return engines.get(key);
}

function valuesFor(regionId) {
  if (!regionId) return Promise.resolve({ valori: regions.filtri, ambiti_dei_comuni: {} });
  if (!valuesByRegion.has(regionId)) {
    const region = regions.regioni.find((r) => r.id === regionId);
    valuesByRegion.set(regionId, fetchJson(new URL(`${region.indice}filtri.json`, indexRoot)));
  }
  return valuesByRegion.get(regionId);
}

function fillFilters(lists, wanted) {
  loaded = lists;
  const available = lists.valori;
  for (const select of selects) {
    const values = available[select.dataset.filtro];
    const chosen = wanted[select.name] || "";
    select.length = 1;
    if (values) {
      const names = Object.keys(values).sort((a, b) => a.localeCompare(b, "it"));
      for (const name of names) select.add(new Option(`${name} (${values[name]})`, name));
      select.value = chosen in values ? chosen : "";
    } else if (chosen) {
      // a value from the address outside the lists loaded: kept, and searched across all regioni
      select.add(new Option(chosen, chosen));
      select.value = chosen;
    }
    select.disabled = !values && !chosen;
  }
  regionNote.hidden = Boolean(currentRegion());
}

function chosenValues() {
  return Object.fromEntries(selects.map((select) => [select.name, select.value]));
}

function activeFilters() {
  const filters = {};
  for (const select of selects) {
    if (select.value) filters[select.dataset.filtro] = select.value;
  }
  return filters;
}

function pagefindFilters(filters) {
  const { comune, ...rest } = filters;
  if (!comune) return rest;
  const ambiti = loaded.ambiti_dei_comuni[comune] || [];
  if (ambiti.length === 0) return { ...rest, comune };
  return { ...rest, any: [{ comune }, { ambito_intero: { any: ambiti } }] };
}

// An address with a comune but no regione: find the regione whose lists hold that comune.
async function regionOfComune(comune) {
  for (const region of regions.regioni) {
    const lists = await valuesFor(region.id);
    if (comune in lists.ambiti_dei_comuni) return region.id;
  }
  return "";
}

// Only text and <mark> from Pagefind's excerpt reach the page.
function safeExcerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createElement("p");
  for (const node of template.content.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) out.append(node.textContent);
    else if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else out.append(node.textContent || "");
  }
  return out;
}

const BADGES = { Attivo: "attivo", Sospeso: "sospeso", Cessato: "cessato", "Non presente": "non_presente" };

function fact(label, value) {
  const line = document.createElement("p");
  line.className = "ra-risultato__fatto";
  const name = document.createElement("span");
  name.className = "ra-risultato__etichetta";
  name.textContent = `${label} `;
  line.append(name);
  if (value instanceof Node) line.append(value);
  else line.append(value);
  return line;
}

// The essentials a worker needs on a phone: status, ente, where, a number to call.
function card(item) {
  const box = document.createElement("div");
  box.className = "ra-risultato__scheda";
  const filters = item.filters || {};
  const meta = item.meta || {};
  const status = (filters.stato || [])[0];
  const head = document.createElement("p");
  head.className = "ra-risultato__meta";
  if (status) {
    const badge = document.createElement("span");
    badge.className = `ra-badge ra-badge--${BADGES[status] || "attivo"}`;
    badge.textContent = status;
    head.append(badge, " ");
  }
  if (filters.tipologia && filters.tipologia.length) head.append(filters.tipologia.join(", "));
  box.append(head);
  if (meta.verifica_scaduta) {
    const warning = fact("Da verificare:", `ultima verifica il ${meta.verifica_scaduta}, più di 12 mesi fa`);
    warning.classList.add("ra-risultato__verifica");
    box.append(warning);
  }
  if (filters.ente && filters.ente.length) box.append(fact("Ente:", filters.ente.join(", ")));
  if (meta.comune) box.append(fact("Dove:", meta.comune));
  if (meta.telefono) {
    const phone = document.createElement("a");
    phone.href = `tel:${(meta.telefono_link || meta.telefono).replace(/[^0-9+]/g, "")}`;
    phone.textContent = meta.telefono;
    box.append(fact("Telefono:", phone));
  }
  return box;
}

async function renderMore() {
  const batch = current.slice(shown, shown + PAGE_SIZE);
  shown += batch.length;
  const data = await Promise.all(batch.map((result) => result.data()));
  for (const item of data) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = (item.meta && item.meta.title) || item.url;
    const heading = document.createElement("h2");
    heading.className = "ra-risultato__titolo";
    heading.append(link);
    li.append(heading);
    li.append(card(item));
    if (item.excerpt) li.append(safeExcerpt(item.excerpt));
    list.append(li);
  }
  more.hidden = shown >= current.length;
}

async function runSearch(updateUrl = true) {
  const id = ++searchId;
  const query = input.value.trim();
  const filters = activeFilters();
  const region = regions.regioni.length > 1 ? regionSelect.value : "";
  const chosen = Object.keys(filters).length;
  filterCount.textContent = chosen ? `(${plural(chosen, "attivo", "attivi")})` : "";
  if (updateUrl) {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    if (region) params.set("regione", region);
    for (const [key, value] of Object.entries(filters)) {
      if (!(key === "stato" && value === DEFAULT_STATUS)) params.set(key, value);
    }
    if (!filters.stato) params.set("stato", ALL_STATUSES);
    const search = params.toString();
    history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
  }
  onlyActive.hidden = filters.stato !== DEFAULT_STATUS;
  const searching = Object.keys(filters).filter((key) => !(key === "stato" && filters.stato === DEFAULT_STATUS));
  if (!query && searching.length === 0) {
    list.replaceChildren();
    more.hidden = true;
    onlyActive.hidden = true;
    status.textContent = "Scrivi una parola o scegli un filtro.";
    return;
  }
  status.textContent = "Ricerca in corso…";
  const engine = await engineFor(currentRegion());
  const search = await engine.search(query || null, {
    filters: pagefindFilters(filters),
    sort: query ? undefined : { titolo: "asc" },
  });
  if (id !== searchId || !search) return;
  current = search.results;
  shown = 0;
  list.replaceChildren();
  await renderMore();
  if (id !== searchId) return;
  // announced once the results are on the page
  status.textContent = current.length
    ? `${plural(current.length, "servizio trovato", "servizi trovati")}.`
    : "Nessun servizio trovato: prova con meno filtri o altre parole.";
}

function failed(error) {
  console.error(error);
  status.textContent = "La ricerca non è disponibile in questo momento: consulta gli elenchi per comune o per tipologia.";
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  runSearch().catch(failed);
});
form.addEventListener("reset", () => {
  setTimeout(async () => {
    fillFilters(await valuesFor(currentRegion()), { stato: DEFAULT_STATUS });
    await runSearch();
  }, 0);
});
regionSelect.addEventListener("change", async () => {
  clearTimeout(typing);
  const kept = chosenValues();
  for (const name of ["comune", "ambito", "ente", "fonte"]) delete kept[name];
  try {
    fillFilters(await valuesFor(currentRegion()), kept);
    await runSearch();
  } catch (error) {
    failed(error);
  }
});
let typing = null;
// a menu changed while the words were still being typed: one search, with the menu's value
for (const select of selects) {
  select.addEventListener("change", () => {
    clearTimeout(typing);
    runSearch().catch(failed);
  });
}
input.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => runSearch().catch(failed), 300);
});
more.addEventListener("click", () => renderMore().catch(failed));
widen.addEventListener("click", () => {
  statusSelect.value = "";
  runSearch().catch(failed);
});

(async () => {
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  regions = await fetchJson(new URL("regioni.json", indexRoot));
  if (regions.regioni.length > 1) {
    for (const region of regions.regioni) {
      regionSelect.add(new Option(`${region.nome} (${region.servizi})`, region.id));
    }
    const wanted = params.get("regione") || (params.get("comune") ? await regionOfComune(params.get("comune")) : "");
    if (regions.regioni.some((r) => r.id === wanted)) regionSelect.value = wanted;
    regionField.hidden = false;
  }
  const wanted = Object.fromEntries(selects.map((select) => [select.name, params.get(select.name) || ""]));
  const status = params.get("stato");
  wanted.stato = status === null ? DEFAULT_STATUS : status === ALL_STATUSES ? "" : status;
  fillFilters(await valuesFor(currentRegion()), wanted);
  await runSearch(false);
})().catch(failed);
