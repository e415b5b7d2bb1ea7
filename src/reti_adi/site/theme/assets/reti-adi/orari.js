// Pagina di un servizio: «Aperto ora · chiude alle…» dagli orari della sede, con l'ora italiana
// (Europe/Rome) del dispositivo. Nessuna libreria: giorni e orari arrivano già validati (HH:MM).
// I festivi non sono nel catalogo: la frase lo dice.
const GIORNI = ["lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica"];
const NOMI = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"];

function romeNow() {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Rome", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date()).map((p) => [p.type, p.value]));
  const day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
  return { day, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const toMinutes = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function slotsOf(hours, day) {
  return hours.filter((f) => f.giorni.includes(GIORNI[day]))
    .map((f) => [toMinutes(f.dalle), toMinutes(f.alle), f.dalle, f.alle]).sort((a, b) => a[0] - b[0]);
}

export function openingStatus(hours, now) {
  for (const [from, to, , closes] of slotsOf(hours, now.day)) {
    if (from <= now.minutes && now.minutes < to) return { open: true, text: `Aperto ora · chiude alle ${closes}` };
  }
  for (let ahead = 0; ahead < 8; ahead += 1) {
    const day = (now.day + ahead) % 7;
    const next = slotsOf(hours, day).find(([from]) => ahead > 0 || from > now.minutes);
    if (next) {
      const when = ahead === 0 ? "oggi" : ahead === 1 ? "domani" : NOMI[day];
      return { open: false, text: `Chiuso ora · apre ${when} alle ${next[2]}` };
    }
  }
  return { open: false, text: "Chiuso ora" };
}

for (const element of document.querySelectorAll(".ra-aperto[data-orari]")) {
  try {
    const status = openingStatus(JSON.parse(element.dataset.orari), romeNow());
    const where = element.dataset.sede ? `${element.dataset.sede}: ` : "";
    element.textContent = `${where}${status.text} (festivi esclusi)`;
    element.classList.add(status.open ? "ra-aperto--si" : "ra-aperto--no");
    element.hidden = false;
  } catch (error) {
    console.error(error);
  }
}
