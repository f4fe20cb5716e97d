// Entity pickers: the name index searched as one types (any name, any script: "Россия", "PRC",
// "Сбер"), offered as the input's suggestions with how each matched.

const PICKER_KINDS = { "ag:State": "State", "ag:Institution": "Institution", "ag:Grouping": "Grouping",
                       "ag:Person": "Person", "ag:Technology": "Technology" };

export function wirePicker(input) {
  let timer = null;
  let latest = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2 || (/^[a-z]+:[\w-]+$/.test(text) && !text.includes(" "))) return;
    timer = setTimeout(async () => {
      const ticket = ++latest;
      const kind = PICKER_KINDS[input.dataset.class || ""] || "";
      const query = `q=${encodeURIComponent(text)}&limit=10${kind ? `&kind=${kind}` : ""}`;
      let found;
      try {
        const response = await fetch(`/search?${query}`);
        if (!response.ok) return;
        found = (await response.json()).results;
      } catch { return; }
      if (ticket !== latest) return;
      const list = document.getElementById(input.getAttribute("list"));
      list.replaceChildren(...found.map((e) => {
        const option = document.createElement("option");
        option.value = e.id;
        option.label = e.how === "exact" ? e.label : `${e.label} (${e.how}: ${e.matched})`;
        return option;
      }));
    }, 200);
  });
}
