// A page option kept in the URL (cockpit.location), so that a link or a reload keeps it.
import { useCallback, useEffect, useState } from "react";

function read(name: string): string | undefined {
    const v = cockpit.location.options[name];
    return Array.isArray(v) ? v[0] : v;
}

export function useLocationOption(name: string): [string | undefined, (value: string | undefined) => void] {
    const [value, setValue] = useState(() => read(name));
    useEffect(() => {
        const update = () => setValue(read(name));
        cockpit.addEventListener("locationchanged", update);
        return () => cockpit.removeEventListener("locationchanged", update);
    }, [name]);
    const set = useCallback((v: string | undefined) => {
        const options: Record<string, string> = {};
        for (const [k, o] of Object.entries(cockpit.location.options))
            if (k !== name) options[k] = Array.isArray(o) ? o[0] ?? "" : o;
        if (v !== undefined) options[name] = v;
        cockpit.location.go(cockpit.location.path, options);
        setValue(v);
    }, [name]);
    return [value, set];
}
