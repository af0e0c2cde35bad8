// A tooltip that costs nothing until it is wanted. PatternFly's Tooltip mounts a Popper for every trigger when the
// table renders (3 or 4 per guest row: most of the table's render time with 40 guests); this one wraps its trigger
// in a span and mounts the Tooltip only while the pointer is over the trigger or the focus is in it.
import React, { useEffect, useRef, useState } from "react";
import { Tooltip } from "@patternfly/react-core/dist/esm/components/Tooltip/index.js";

/** how long the pointer rests on the trigger before the tip shows (PatternFly's own entry delay) */
const ENTRY_MS = 300;

export const LazyTooltip = ({ content, children }: { content: React.ReactNode; children: React.ReactNode }) => {
    const ref = useRef<HTMLSpanElement>(null);
    const [shown, setShown] = useState(false);
    const timer = useRef<number | null>(null);
    const cancel = () => { if (timer.current !== null) { window.clearTimeout(timer.current); timer.current = null } };
    const show = (delay: number) => {
        cancel();
        if (delay === 0) setShown(true);
        else timer.current = window.setTimeout(() => { timer.current = null; setShown(true) }, delay);
    };
    const hide = () => { cancel(); setShown(false) };
    useEffect(() => cancel, []); // a row that goes while the pointer rests on it leaves no timer behind
    return (
        <span ref={ref}
              onMouseEnter={() => show(ENTRY_MS)} onMouseLeave={hide}
              onFocus={() => show(0)} onBlur={hide}
              onKeyDown={ev => { if (ev.key === "Escape" && shown) { ev.stopPropagation(); hide() } }}>
            {children}
            {shown && <Tooltip content={content} triggerRef={ref} trigger="manual" isVisible />}
        </span>
    );
};
