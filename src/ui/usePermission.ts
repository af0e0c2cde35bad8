// Whether the user has administrative access (Cockpit's superuser), kept current.
import { useEffect, useState } from "react";

export function usePermission(): boolean | null {
    const [allowed, setAllowed] = useState<boolean | null>(null);
    useEffect(() => {
        const p = cockpit.permission({ admin: true });
        const update = () => setAllowed(p.allowed);
        update();
        p.addEventListener("changed", update);
        return () => { p.removeEventListener("changed", update); p.close() };
    }, []);
    return allowed;
}
