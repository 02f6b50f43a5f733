// One React page, and the same "first-screen" mark our login screen sets once it is painted (after the
// frame that drew it).
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";

function Page() {
  const [clicks, setClicks] = useState(0);
  useEffect(() => {
    requestAnimationFrame(() => setTimeout(() => performance.mark("first-screen")));
  }, []);
  return (
    <main style={{ fontFamily: "sans-serif", padding: 40 }}>
      <h1>Floor</h1>
      <button data-testid="floor-button" onClick={() => setClicks(clicks + 1)}>
        Clicked {clicks} times
      </button>
    </main>
  );
}

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <Page />
  </StrictMode>,
);
