import {
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { createPortal } from "react-dom";
import { IconButton } from "./Button";

export type MenuItem = {
  label: string;
  icon?: ReactNode;
  onSelect: () => void;
  danger?: boolean;
  testId?: string;
};

/** Room a menu needs below its button before it opens upwards instead. */
const ROOM_BELOW = 220;

/**
 * An icon button that opens a menu of actions. Arrow keys move through the items; Escape, a
 * click elsewhere or a scroll closes it. The menu is drawn over the page (a portal), so a
 * scrolling or virtualised list never clips it. Pass `open`/`onOpenChange` to open it from
 * elsewhere too (a context menu on the row it belongs to).
 */
export function MenuButton({
  label,
  icon,
  items,
  open: openProp,
  onOpenChange,
  align = "start",
  className,
  testId,
}: {
  label: string;
  icon: ReactNode;
  items: readonly MenuItem[];
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  align?: "start" | "end";
  className?: string;
  testId?: string;
}) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = openProp ?? ownOpen;
  const triggerRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<CSSProperties>({});

  const setOpenRef = useRef<(next: boolean) => void>(() => undefined);
  useEffect(() => {
    setOpenRef.current = (next: boolean) => {
      setOwnOpen(next);
      onOpenChange?.(next);
    };
  });
  const setOpen = (next: boolean) => setOpenRef.current(next);

  // Placed from the button's position on screen, below it unless there is no room.
  useLayoutEffect(() => {
    if (!open || !triggerRef.current) return;
    const rect = triggerRef.current.getBoundingClientRect();
    const below = window.innerHeight - rect.bottom >= ROOM_BELOW;
    const vertical = below
      ? { top: rect.bottom + 4 }
      : { bottom: window.innerHeight - rect.top + 4 };
    const horizontal =
      align === "end" ? { right: window.innerWidth - rect.right } : { left: rect.left };
    setPosition({ ...vertical, ...horizontal });
  }, [open, align]);

  useEffect(() => {
    if (!open) return;
    const close = () => setOpenRef.current(false);
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (menuRef.current?.contains(target) || triggerRef.current?.contains(target)) return;
      close();
    };
    const onScroll = (event: Event) => {
      if (!menuRef.current?.contains(event.target as Node)) close();
    };
    document.addEventListener("pointerdown", onPointer);
    window.addEventListener("scroll", onScroll, true);
    window.addEventListener("resize", close);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      window.removeEventListener("scroll", onScroll, true);
      window.removeEventListener("resize", close);
    };
  }, [open]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape" || event.key === "Tab") {
      if (event.key === "Escape") event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      triggerRef.current?.focus();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    const buttons = Array.from(
      menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [],
    );
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const step = event.key === "ArrowDown" ? 1 : -1;
    buttons[(index + step + buttons.length) % buttons.length]?.focus();
  };

  return (
    <div className={["menu-anchor", className].filter(Boolean).join(" ")}>
      <IconButton
        ref={triggerRef}
        label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={(event) => {
          event.stopPropagation();
          setOpen(!open);
        }}
        data-testid={testId}
      >
        {icon}
      </IconButton>
      {open &&
        createPortal(
          <div
            ref={menuRef}
            className="menu menu-floating"
            role="menu"
            aria-label={label}
            style={position}
            onKeyDown={onKeyDown}
          >
            {items.map((item, index) => (
              <button
                key={item.label}
                type="button"
                role="menuitem"
                className={["menu-item", item.danger && "menu-item-danger"]
                  .filter(Boolean)
                  .join(" ")}
                autoFocus={index === 0}
                onClick={(event) => {
                  event.stopPropagation();
                  setOpen(false);
                  item.onSelect();
                }}
                data-testid={item.testId}
              >
                {item.icon}
                {item.label}
              </button>
            ))}
          </div>,
          document.body,
        )}
    </div>
  );
}
