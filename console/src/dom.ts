// Small DOM helpers: elements are built with properties and text nodes, never from HTML strings.
type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** `h("button", { type: "button", onclick: fn }, "Save")`. Attributes starting with "on" are listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

let fieldCounter = 0;
/** A labelled form control: the label names the control (for screen readers and axe). */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement {
  fieldCounter += 1;
  const id = control.id || `f${fieldCounter}`;
  control.id = id;
  const hintEl = hint ? h("small", { id: `${id}-hint`, class: "hint" }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hintEl);
}

export function input(attrs: Attrs = {}): HTMLInputElement {
  return h("input", { type: "text", ...attrs });
}

export function select(
  name: string,
  options: { value: string; label: string }[],
  value = "",
): HTMLSelectElement {
  const el = h("select", { name });
  for (const o of options) el.append(h("option", { value: o.value }, o.label));
  el.value = value;
  return el;
}

/** A table whose header cells are scoped; wrapped so it scrolls sideways on a narrow screen. */
export function table(caption: string, headers: string[], rows: Child[][]): HTMLDivElement {
  return h(
    "div",
    { class: "table-wrap", role: "region", "aria-label": caption, tabindex: 0 },
    h(
      "table",
      {},
      h("caption", {}, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((t) => h("th", { scope: "col" }, t)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((cells) =>
          h(
            "tr",
            {},
            cells.map((c) => h("td", {}, c)),
          ),
        ),
      ),
    ),
  );
}

export const formatTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "—";

/** Previous / "Page n of m" / Next for a paginated list; `go` loads the page it is given. */
export function pager(
  label: string,
  noun: string,
  pagination: { page: number; total_pages: number; total_items: number },
  go: (page: number) => void,
): HTMLElement {
  const { page, total_pages: pages, total_items: items } = pagination;
  return h(
    "nav",
    { class: "pager", "aria-label": label },
    h("button", { type: "button", disabled: page <= 1, onclick: () => go(page - 1) }, "Previous"),
    h("span", {}, `Page ${page} of ${Math.max(1, pages)} · ${items} ${noun}`),
    h("button", { type: "button", disabled: page >= pages, onclick: () => go(page + 1) }, "Next"),
  );
}

/** A labelled control and the button that applies it, on one row. */
export function setter(
  label: string,
  control: HTMLInputElement | HTMLSelectElement,
  action: string,
  apply: () => Promise<void>,
): HTMLDivElement {
  return h(
    "div",
    { class: "row" },
    field(label, control),
    h("button", { type: "button", onclick: apply }, action),
  );
}

/**
 * A modal `<dialog>` titled by the element with `titleId`, shown at once (native: focus moves to its
 * first control, stays inside, and returns to where it was on close; Escape closes it). Removed
 * from the page once closed; `closed` settles then.
 */
export function modal(titleId: string, content: Node): { dialog: HTMLDialogElement; closed: Promise<void> } {
  const dialog = h("dialog", { "aria-labelledby": titleId }, content);
  document.body.append(dialog);
  const closed = new Promise<void>((resolve) =>
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve();
    }),
  );
  dialog.showModal();
  return { dialog, closed };
}
