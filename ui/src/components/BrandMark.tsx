import { Sparkles } from "lucide-react";

/** The app's mark: the accent square with a spark, used in the sidebar and auth screens. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <span className="brand-mark" style={{ width: size, height: size }} aria-hidden>
      <Sparkles size={Math.round(size * 0.55)} />
    </span>
  );
}
