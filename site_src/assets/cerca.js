// Pagina «Cerca»: ricerca a faccette con l'API JavaScript di Pagefind.
// Carica l'indice solo quando serve e scarica i frammenti dei soli risultati mostrati.
const PAGE_SIZE = 20;
const siteRoot = new URL("../", window.location.href);
const form = document.getElementById("ra-cerca");
const input = document.getElementById("ra-q");
const status = document.getElementById("ra-stato-ricerca");
const list = document.getElementById("ra-risultati");
const more = document.getElementById("ra-altri");
const selects = Array.from(form.querySelectorAll("select[data-filtro]"));

let pagefind = null;
let current = [];
let shown = 0;
let searchId = 0;

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

async function loadPagefind() {
  if (!pagefind) {
    pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    await pagefind.options({ baseUrl: siteRoot.pathname });
    pagefind.init();
  }
  return pagefind;
}

function fillFilters(available) {
  for (const select of selects) {
    const values = available[select.dataset.filtro] || {};
    const chosen = select.value || new URLSearchParams(window.location.search).get(select.name) || "";
    const names = Object.keys(values).sort((a, b) => a.localeCompare(b, "it"));
    select.length = 1;
    for (const name of names) {
      const option = new Option(`${name} (${values[name]})`, name);
      select.add(option);
    }
    if (chosen && names.includes(chosen)) select.value = chosen;
  }
}

function activeFilters() {
  const filters = {};
  for (const select of selects) {
    if (select.value) filters[select.dataset.filtro] = select.value;
  }
  return filters;
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
    const facts = [];
    for (const key of ["stato", "tipologia", "ente"]) {
      const values = item.filters && item.filters[key];
      if (values && values.length) facts.push(values.join(", "));
    }
    if (facts.length) {
      const meta = document.createElement("p");
      meta.className = "ra-risultato__meta";
      meta.textContent = facts.join(" · ");
      li.append(meta);
    }
    if (item.excerpt) li.append(safeExcerpt(item.excerpt));
    list.append(li);
  }
  more.hidden = shown >= current.length;
}

async function runSearch(updateUrl = true) {
  const id = ++searchId;
  const query = input.value.trim();
  const filters = activeFilters();
  if (updateUrl) {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const [key, value] of Object.entries(filters)) params.set(key, value);
    const search = params.toString();
    history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
  }
  if (!query && Object.keys(filters).length === 0) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "Scrivi una parola o scegli un filtro.";
    return;
  }
  status.textContent = "Ricerca in corso…";
  const engine = await loadPagefind();
  const search = await engine.search(query || null, { filters, sort: query ? undefined : { titolo: "asc" } });
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

form.addEventListener("submit", (event) => {
  event.preventDefault();
  runSearch();
});
form.addEventListener("reset", () => {
  setTimeout(() => runSearch(), 0);
});
for (const select of selects) select.addEventListener("change", () => runSearch());
let typing = null;
input.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => runSearch(), 300);
});
more.addEventListener("click", () => renderMore());

(async () => {
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  const engine = await loadPagefind();
  fillFilters(await engine.filters());
  await runSearch(false);
})();
