// Translation helpers: every user-visible string goes through cockpit.gettext.
export const _ = (s: string): string => cockpit.gettext(s);
export const format = (template: string, ...args: (string | number)[]): string => cockpit.format(template, ...args);
