// Pagina iniziale: «I servizi attivi per chi vive a…». I comuni vengono dagli stessi elenchi che usa
// la ricerca (pagefind/<regione>/filtri.json); la scelta porta alla ricerca filtrata per quel comune.
// Senza JavaScript il modulo resta nascosto e restano i collegamenti «Servizi per comune».
const form = document.getElementById("ra-scegli-comune");
const select = document.getElementById("ra-comune-casa");

async function json(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

(async () => {
  const root = new URL("pagefind/", new URL(form.getAttribute("action"), window.location.href).href.replace(/cerca\/$/, ""));
  const { regioni } = await json(new URL("regioni.json", root));
  const names = new Set();
  for (const region of regioni) {
    const lists = await json(new URL(`${region.indice}filtri.json`, root));
    for (const name of Object.keys(lists.ambiti_dei_comuni || {})) names.add(name);
  }
  for (const name of [...names].sort((a, b) => a.localeCompare(b, "it"))) select.add(new Option(name, name));
  form.hidden = false;
})().catch((error) => console.error(error));
