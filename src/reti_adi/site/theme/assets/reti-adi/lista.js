// «Lista per la famiglia»: i servizi scelti mentre si consulta il catalogo, da stampare o da
// condividere con un collegamento. La lista contiene solo identificativi di servizi: sta nel
// localStorage di questo browser e nel collegamento, mai su un server, e nessun dato personale.
const KEY = "reti-adi:lista";
const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX = 50;

function clean(ids) {
  return [...new Set(ids.filter((id) => typeof id === "string" && ID.test(id)))].slice(0, MAX);
}

export function savedList() {
  try {
    return clean(JSON.parse(localStorage.getItem(KEY) || "[]"));
  } catch {
    return [];
  }
}

function save(ids) {
  localStorage.setItem(KEY, JSON.stringify(clean(ids)));
}

const siteRoot = new URL(document.querySelector("script[data-ra-lista]").dataset.raLista, window.location.href);

// Service page: the add / remove button.
for (const button of document.querySelectorAll("button[data-ra-aggiungi]")) {
  const id = button.dataset.raAggiungi;
  const status = document.getElementById("ra-lista-stato");
  const render = () => {
    const inList = savedList().includes(id);
    button.textContent = inList ? "Togli dalla lista per la famiglia" : "Aggiungi alla lista per la famiglia";
    button.setAttribute("aria-pressed", String(inList));
    status.replaceChildren();
    const count = savedList().length;
    if (count) {
      const link = document.createElement("a");
      link.href = new URL("lista/", siteRoot).href;
      link.textContent = `Vedi la lista (${count} ${count === 1 ? "servizio" : "servizi"})`;
      status.append(link);
    }
  };
  button.addEventListener("click", () => {
    const ids = savedList();
    save(ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]);
    render();
  });
  button.hidden = false;
  render();
}

// The list page.
const listBox = document.getElementById("ra-lista");
if (listBox) {
  const params = new URLSearchParams(window.location.search);
  const shared = params.has("s") ? clean(params.get("s").split(",")) : null;
  const ids = shared || savedList();
  const share = document.getElementById("ra-lista-link");
  const note = document.getElementById("ra-lista-nota");
  const keep = document.getElementById("ra-lista-salva");
  const empty = document.getElementById("ra-lista-svuota");

  const text = (node) => (node ? node.textContent.replace(/\s+/g, " ").trim() : "");

  function line(label, value) {
    const p = document.createElement("p");
    const name = document.createElement("strong");
    name.textContent = `${label}: `;
    p.append(name, value);
    return p;
  }

  // Everything shown comes from the site's own service page, as text; only tel: and mailto: are links.
  async function item(id) {
    const response = await fetch(new URL(`servizi/${id}/`, siteRoot));
    const li = document.createElement("li");
    li.className = "ra-lista__voce";
    const heading = document.createElement("h2");
    if (!response.ok) {
      heading.textContent = `Servizio non più nel catalogo (${id})`;
      li.append(heading);
      return li;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const link = document.createElement("a");
    link.href = new URL(`servizi/${id}/`, siteRoot).href;
    link.textContent = text(page.querySelector("h1"));
    heading.append(link);
    li.append(heading);
    const badge = page.querySelector(".ra-meta .ra-badge");
    if (badge && text(badge) !== "Attivo") li.append(line("Stato", text(badge)));
    const box = page.querySelector(".ra-contatti");
    if (box) {
      for (const a of box.querySelectorAll("a[href^='tel:'], a[href^='mailto:']")) {
        const contact = document.createElement("a");
        contact.href = a.getAttribute("href");
        contact.textContent = text(a);
        li.append(line(a.getAttribute("href").startsWith("tel:") ? "Telefono" : "Email", contact));
      }
      for (const p of box.querySelectorAll(".ra-contatti__indirizzo, .ra-contatti__orari")) {
        const label = text(p.querySelector(".ra-contatti__tipo"));
        li.append(line(label, text(p).slice(label.length).trim()));
      }
    }
    const bring = page.getElementById("cosa-serve");
    const bringText = bring && bring.nextElementSibling ? text(bring.nextElementSibling) : "";
    if (bringText) li.append(line("Cosa portare", bringText));
    return li;
  }

  function shareUrl() {
    const url = new URL("lista/", siteRoot);
    if (ids.length) url.search = `s=${ids.join(",")}`;
    return url.href;
  }

  (async () => {
    share.value = shareUrl();
    keep.hidden = !shared;
    empty.hidden = Boolean(shared) || ids.length === 0;
    note.textContent = ids.length
      ? `${ids.length} ${ids.length === 1 ? "servizio" : "servizi"}${shared ? " (lista ricevuta con un collegamento)" : ""}.`
      : "La lista è vuota: aggiungi i servizi dalle loro pagine con «Aggiungi alla lista per la famiglia».";
    listBox.replaceChildren(...(await Promise.all(ids.map(item))));
    listBox.dataset.pronta = "si";
  })().catch((error) => {
    console.error(error);
    note.textContent = "Non è stato possibile mostrare la lista.";
  });

  document.getElementById("ra-lista-stampa").addEventListener("click", () => window.print());
  document.getElementById("ra-lista-copia").addEventListener("click", async () => {
    share.select();
    try {
      await navigator.clipboard.writeText(share.value);
      note.textContent = "Collegamento copiato.";
    } catch {
      note.textContent = "Seleziona il collegamento e copialo.";
    }
  });
  keep.addEventListener("click", () => {
    save(ids);
    note.textContent = "Lista salvata in questo browser.";
    keep.hidden = true;
  });
  empty.addEventListener("click", () => {
    save([]);
    window.location.replace(new URL("lista/", siteRoot).href);
  });
}
