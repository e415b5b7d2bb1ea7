// «Dove sono le sedi»: ordina l'elenco per distanza in linea d'aria dal comune scelto. I punti sono già
// nella pagina (data-lat, data-lon): la scelta non invia nulla a nessun server.
const list = document.getElementById("ra-sedi");
const select = document.getElementById("ra-sedi-da");
const status = document.getElementById("ra-sedi-stato");

function km(a, b) {
  const rad = Math.PI / 180;
  const dp = (b.lat - a.lat) * rad;
  const dl = (b.lon - a.lon) * rad;
  const h = Math.sin(dp / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dl / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(Math.min(1, h)));
}

function point(element) {
  const lat = parseFloat(element.dataset.lat);
  const lon = parseFloat(element.dataset.lon);
  return Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : null;
}

if (list && select) {
  const items = [...list.children];
  items.forEach((item, index) => { item.dataset.ordine = String(index); });
  select.closest(".ra-sedi-ordina").hidden = false;
  select.addEventListener("change", () => {
    const option = select.selectedOptions[0];
    const origin = option && option.value ? point(option) : null;
    const distances = new Map(items.map((item) => {
      const where = point(item);
      return [item, origin && where ? km(origin, where) : Infinity];
    }));
    const sorted = [...items].sort((a, b) => (origin ? distances.get(a) - distances.get(b) : 0)
      || Number(a.dataset.ordine) - Number(b.dataset.ordine));
    for (const item of sorted) {
      list.append(item);
      const label = item.querySelector(".ra-sedi__distanza");
      const distance = distances.get(item);
      label.hidden = !origin;
      label.textContent = !origin ? "" : Number.isFinite(distance)
        ? `· a circa ${distance < 1 ? "meno di 1" : Math.round(distance)} km in linea d'aria`
        : "· distanza non nota";
    }
    status.textContent = origin ? `Sedi ordinate per distanza da ${option.textContent}.` : "Sedi in ordine per comune e indirizzo.";
  });
  // «?da=037008» (dalla pagina di un comune): l'elenco arriva già ordinato da quel comune
  const from = new URLSearchParams(window.location.search).get("da");
  if (from && [...select.options].some((option) => option.value === from)) {
    select.value = from;
    select.dispatchEvent(new Event("change"));
  }
}
