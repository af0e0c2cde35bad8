// Dark theme as the Cockpit shell sets it: localStorage['shell:style'] (auto|light|dark), else the system's
// prefers-color-scheme; PatternFly 6 reads the pf-v6-theme-dark class on <html>.
export function themeFollow(): void {
    const media = window.matchMedia?.("(prefers-color-scheme: dark)");
    const apply = () => {
        const style = window.localStorage.getItem("shell:style") ?? "auto";
        const dark = style === "dark" || (style === "auto" && Boolean(media?.matches));
        document.documentElement.classList.toggle("pf-v6-theme-dark", dark);
    };
    apply();
    media?.addEventListener("change", apply);
    window.addEventListener("storage", e => { if (e.key === "shell:style") apply() });
    // the shell announces a change of its style with this event on the page's window
    window.addEventListener("cockpit-style", apply);
}
