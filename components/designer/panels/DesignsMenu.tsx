"use client";
import { useState } from "react";
import { run } from "../state/commands";
import { useDesigner } from "../state/hooks";
import { readDesignList, type DesignEntry } from "../state/persistence";
import { IconButton } from "../ui/controls";
import { MenuItem, Popover } from "../ui/Popover";

/**
 * The designs kept in this browser (each with its own autosave): a share link opens as a new one
 * beside the others, so nothing the user had is replaced. Choosing one opens it.
 */
export function DesignsMenu() {
  const current = useDesigner((s) => s.designId);
  const [designs, setDesigns] = useState<readonly DesignEntry[]>([]);
  const refresh = () => setDesigns(readDesignList().designs);
  return (
    <Popover label="Designs" icon="file" width="w-80" onOpen={refresh}>
      {(close) => (
        <div>
          <p className="px-2.5 pt-1 pb-0.5 text-[11px] font-medium tracking-wide text-faint uppercase">Kept in this browser</p>
          <ul aria-label="Designs kept in this browser">
            {designs.map((d) => (
              <li key={d.id} className="flex items-center gap-1">
                <button
                  type="button"
                  aria-current={d.id === current ? "true" : undefined}
                  onClick={() => {
                    run("openDesign", { id: d.id });
                    close();
                  }}
                  className="flex min-w-0 flex-1 cursor-pointer items-baseline gap-2 rounded-md px-2.5 py-1.5 text-left hover:bg-hover focus-visible:bg-hover aria-[current]:font-semibold"
                >
                  <span className="truncate">{d.name || "untitled"}</span>
                  <span className="shrink-0 text-[11.5px] font-normal text-faint">{d.id === current ? "open" : d.updatedAt ? new Date(d.updatedAt).toLocaleString() : ""}</span>
                </button>
                {d.id !== current && (
                  <IconButton
                    icon="trash"
                    tone="danger"
                    label={`Remove design ${d.name || "untitled"} from this browser`}
                    onClick={() => {
                      run("removeDesign", { id: d.id });
                      refresh();
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
          <div className="my-1 border-t border-line" />
          <MenuItem
            icon="copy"
            title="Keep a copy as a new design"
            description="The open design stays in the list as it is."
            onSelect={() => {
              run("duplicateDesign");
              close();
            }}
          />
        </div>
      )}
    </Popover>
  );
}
