// Il pulsante del menu del tema è un'etichetta (label) della casella che apre il menu laterale.
// tabindex="0" (nel modello dell'intestazione) la rende raggiungibile; Invio la aziona già il tema,
// qui si aggiunge la barra spaziatrice, come per ogni pulsante.
const toggle = document.getElementById("__drawer");
for (const label of document.querySelectorAll("label.md-header__button[for='__drawer']")) {
  label.addEventListener("keydown", (event) => {
    if (event.key !== " ") return;
    event.preventDefault();
    toggle.click();
  });
}
