# numa-placement device reader: functions the thread reader (threads-reader.sh, bundled after this text) calls with
# -d; it prints the D, L, Q and P records of the snapshot (src/model/devices.ts reads them). POSIX sh, builtins only:
# no fork per interface or interrupt line.
#   D<TAB>NODE<TAB>PCI<TAB>IF      a network interface; NODE: the NUMA node of its device (-1: the firmware does not
#                                  say), "-" when it has no device (bridge, bond, VLAN, tap); PCI: its PCI address or "-"
#   L<TAB>LOWER<TAB>UPPER          UPPER stacks on LOWER (the kernel's lower_* links: bridge ports, bond slaves,
#                                  a VLAN's or macvtap's parent)
#   Q<TAB>IRQ<TAB>AFFINITY<TAB>EFFECTIVE<TAB>IF   an interrupt line of IF's device: the CPUs it may be served on
#                                  (smp_affinity_list) and those it is (effective_affinity_list; "-" if not given)
#   P<TAB>NODE<TAB>PCI             a PCI device asked for with -p (a guest's <hostdev>), its node as for D
# Interface names come from the kernel, which allows no blank (so no tab or newline) in them; an entry whose name
# holds one anyway is skipped.

devices_node_of() { # DEVICEDIR: sets $node from its numa_node (-1 when unreadable)
    node=-1
    IFS= read -r node 2>/dev/null < "$1/numa_node" || node=-1
    case $node in -1|[0-9]|[0-9][0-9]|[0-9][0-9][0-9]|[0-9][0-9][0-9][0-9]) ;; *) node=-1 ;; esac
}

devices_pci_of() { # DEVICEDIR: sets $pci from the PCI_SLOT_NAME of its uevent ("-" for a device that is not PCI)
    pci=-
    while IFS== read -r key value; do
        [ "$key" = PCI_SLOT_NAME ] && { pci=$value; break; }
    done 2>/dev/null < "$1/uevent"
    case $pci in *[!0-9a-f:.]*) pci=- ;; esac
}

devices_irq() { # IRQ IF
    case $1 in ''|*[!0-9]*) return ;; esac
    aff=- eff=-
    IFS= read -r aff 2>/dev/null < "$P/irq/$1/smp_affinity_list" || aff=-
    IFS= read -r eff 2>/dev/null < "$P/irq/$1/effective_affinity_list" || eff=-
    case $aff in ''|*[!0-9,-]*) aff=- ;; esac
    case $eff in ''|*[!0-9,-]*) eff=- ;; esac
    printf 'Q\t%s\t%s\t%s\t%s\n' "$1" "$aff" "$eff" "$2"
}

devices_read() { # PCI...: the host's network interfaces, then the PCI devices named
    blanks=" $TAB
"
    for d in "$SYS"/class/net/*; do
        ifname=${d##*/}
        [ "$ifname" = "*" ] && continue
        case $ifname in *[$blanks]*) continue ;; esac
        for l in "$d"/lower_*; do
            lower=${l##*/lower_}
            [ -e "$l" ] || continue
            case $lower in *[$blanks]*) continue ;; esac
            printf 'L\t%s\t%s\n' "$lower" "$ifname"
        done
        if [ ! -e "$d/device" ]; then
            printf 'D\t-\t-\t%s\n' "$ifname"
            continue
        fi
        # a virtio NIC's device is the virtio device; its node, address and interrupts are its PCI parent's
        dev=$d/device
        [ -e "$dev/numa_node" ] || [ ! -e "$dev/../numa_node" ] || dev=$dev/..
        devices_node_of "$dev"
        devices_pci_of "$dev"
        printf 'D\t%s\t%s\t%s\n' "$node" "$pci" "$ifname"
        found=0
        for i in "$dev"/msi_irqs/*; do
            [ -e "$i" ] || continue
            found=1
            devices_irq "${i##*/}" "$ifname"
        done
        if [ "$found" = 0 ]; then
            irq=
            IFS= read -r irq 2>/dev/null < "$dev/irq"
            [ "$irq" = 0 ] || devices_irq "$irq" "$ifname"
        fi
    done
    for pci in "$@"; do
        case $pci in [0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f].[0-7]) ;; *) continue ;; esac
        [ -d "$SYS/bus/pci/devices/$pci" ] || continue
        devices_node_of "$SYS/bus/pci/devices/$pci"
        printf 'P\t%s\t%s\n' "$node" "$pci"
    done
}
