// Our typings for the part of Cockpit's cockpit.js (loaded from ../base1/cockpit.js) that this page uses.
// Deliberately narrow: no catch-all index signatures, so a typo is a type error.

declare namespace cockpit {
    /** What Cockpit rejects a channel's promise with. */
    interface BasicError {
        problem: string | null;
        name?: string;
        message: string;
        exit_status?: number | null;
        exit_signal?: number | null;
    }

    interface DBusOptions {
        bus?: "system" | "session" | "none";
        superuser?: "try" | "require";
        host?: string;
    }

    interface DBusCallOptions {
        timeout?: number;
        type?: string;
        flags?: string;
    }

    interface DBusMatch {
        path?: string;
        path_namespace?: string;
        interface?: string;
        member?: string;
        arg0?: string;
    }

    interface Subscription {
        remove(): void;
    }

    interface DBusClient {
        call(path: string, iface: string, method: string, args: unknown[] | null, options?: DBusCallOptions): Promise<unknown[]>;
        subscribe(match: DBusMatch, callback: (path: string, iface: string, signal: string, args: unknown[]) => void, rule?: boolean): Subscription;
        addEventListener(event: "close", callback: (event: Event, options: { problem?: string }) => void): void;
        removeEventListener(event: "close", callback: (event: Event, options: { problem?: string }) => void): void;
        /** the bus name's owner changed; owner is null when the name vanished */
        addEventListener(event: "owner", callback: (event: Event, owner: string | null) => void): void;
        removeEventListener(event: "owner", callback: (event: Event, owner: string | null) => void): void;
        close(problem?: string): void;
        wait(): Promise<void>;
    }

    function dbus(name: string | null, options?: DBusOptions): DBusClient;

    interface SpawnOptions {
        superuser?: "try" | "require";
        err?: "out" | "ignore" | "message";
        environ?: string[];
        directory?: string;
    }

    interface SpawnPromise extends Promise<string> {
        stream(callback: (data: string) => void): SpawnPromise;
        input(data?: string, stream?: boolean): SpawnPromise;
        close(problem?: string): void;
    }

    function spawn(args: string[], options?: SpawnOptions): SpawnPromise;

    function gettext(message: string): string;
    function gettext(context: string, message: string): string;
    function ngettext(singular: string, plural: string, n: number): string;
    function format(template: string, ...args: (string | number)[]): string;
    function format(template: string, args: Record<string, string | number>): string;

    const language: string;
    const hidden: boolean;

    interface Location {
        path: string[];
        options: Record<string, string | string[]>;
        href: string;
        go(path: string | string[], options?: Record<string, string>): void;
        replace(path: string | string[], options?: Record<string, string>): void;
    }
    const location: Location;

    function addEventListener(event: "locationchanged" | "visibilitychange", callback: () => void): void;
    function removeEventListener(event: "locationchanged" | "visibilitychange", callback: () => void): void;

    interface Permission {
        allowed: boolean | null;
        addEventListener(event: "changed", callback: () => void): void;
        removeEventListener(event: "changed", callback: () => void): void;
        close(): void;
    }
    function permission(options: { admin: boolean }): Permission;

    interface Transport {
        wait(callback: () => void): void;
        close(problem?: string): void;
        readonly host: string;
    }
    const transport: Transport;
}
