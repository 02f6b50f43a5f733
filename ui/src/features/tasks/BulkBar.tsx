import { useEffect, useRef, useState } from "react";
import { CalendarDays, Check, RotateCcw, Trash2, X } from "lucide-react";
import { Button, IconButton } from "../../components/ui";
import type { Due, TaskView } from "./api";
import { QUICK_DATE_LABELS, quickDate, type QuickDate } from "./dates";

/** The actions for several selected tasks at once. */
export function BulkBar({
  count,
  view,
  busy,
  onComplete,
  onReopen,
  onReschedule,
  onDelete,
  onRestore,
  onClear,
}: {
  count: number;
  view: TaskView;
  busy: boolean;
  onComplete: () => void;
  onReopen: () => void;
  onReschedule: (due: Due | null) => void;
  onDelete: () => void;
  onRestore: () => void;
  onClear: () => void;
}) {
  const [menu, setMenu] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!menu) return;
    const onPointer = (event: PointerEvent) => {
      if (!menuRef.current?.contains(event.target as Node)) setMenu(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [menu]);

  const pick = (due: Due | null) => {
    setMenu(false);
    onReschedule(due);
  };

  return (
    <div className="bulk-bar" role="toolbar" aria-label="Selected tasks" data-testid="bulk-bar">
      <span className="bulk-count">{count} selected</span>
      <div className="bulk-actions">
        {view === "trash" ? (
          <Button
            size="sm"
            icon={<RotateCcw size={14} />}
            disabled={busy}
            onClick={onRestore}
            data-testid="bulk-restore"
          >
            Restore
          </Button>
        ) : (
          <>
            {view === "completed" ? (
              <Button
                size="sm"
                icon={<RotateCcw size={14} />}
                disabled={busy}
                onClick={onReopen}
                data-testid="bulk-reopen"
              >
                Reopen
              </Button>
            ) : (
              <Button
                size="sm"
                icon={<Check size={14} />}
                disabled={busy}
                onClick={onComplete}
                data-testid="bulk-complete"
              >
                Complete
              </Button>
            )}
            <div
              className="menu-anchor"
              ref={menuRef}
              onKeyDown={(event) => {
                if (event.key === "Escape" && menu) {
                  event.stopPropagation();
                  setMenu(false);
                }
              }}
            >
              <Button
                size="sm"
                icon={<CalendarDays size={14} />}
                disabled={busy}
                aria-haspopup="menu"
                aria-expanded={menu}
                onClick={() => setMenu((open) => !open)}
                data-testid="bulk-reschedule"
              >
                Reschedule
              </Button>
              {menu && (
                <div className="menu" role="menu" aria-label="Reschedule to">
                  {(Object.keys(QUICK_DATE_LABELS) as QuickDate[]).map((choice, index) => (
                    <button
                      key={choice}
                      type="button"
                      role="menuitem"
                      className="menu-item"
                      autoFocus={index === 0}
                      onClick={() => pick({ date: quickDate(choice), time: null })}
                      data-testid={`bulk-reschedule-${choice === "nextWeek" ? "next-week" : choice}`}
                    >
                      {QUICK_DATE_LABELS[choice]}
                    </button>
                  ))}
                  <button
                    type="button"
                    role="menuitem"
                    className="menu-item"
                    onClick={() => pick(null)}
                    data-testid="bulk-reschedule-none"
                  >
                    No date
                  </button>
                  <label className="menu-date">
                    <span>Pick a date</span>
                    <input
                      type="date"
                      className="input"
                      onKeyDown={(event) => {
                        if (event.key === "Enter" && event.currentTarget.value) {
                          event.preventDefault();
                          pick({ date: event.currentTarget.value, time: null });
                        }
                      }}
                      onBlur={(event) => {
                        if (event.currentTarget.value)
                          pick({ date: event.currentTarget.value, time: null });
                      }}
                      data-testid="bulk-reschedule-date"
                    />
                  </label>
                </div>
              )}
            </div>
          </>
        )}
        {view !== "trash" && (
          <Button
            size="sm"
            variant="danger"
            icon={<Trash2 size={14} />}
            disabled={busy}
            onClick={onDelete}
            data-testid="bulk-delete"
          >
            Delete
          </Button>
        )}
        <IconButton label="Clear selection (Esc)" onClick={onClear} data-testid="bulk-clear">
          <X size={15} />
        </IconButton>
      </div>
    </div>
  );
}
