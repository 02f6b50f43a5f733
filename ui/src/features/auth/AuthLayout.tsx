import { useEffect, type ReactNode } from "react";
import { HardDrive } from "lucide-react";
import { BrandMark } from "../../components/BrandMark";

/** The centred card the signed-out screens share. */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
  testId,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  testId: string;
}) {
  // The first screen a launch shows (login or first run) is painted: `make bench-app` measures
  // start-up to this mark, beside a bare Tauri app that sets the same one.
  useEffect(() => {
    requestAnimationFrame(() => setTimeout(() => performance.mark("first-screen")));
  }, []);
  return (
    <main className="auth-screen" data-testid={testId}>
      <div className="auth-column">
        <div className="auth-brand">
          <BrandMark />
          <span>KickStartMyAI</span>
        </div>
        <section className="auth-card" aria-labelledby={`${testId}-title`}>
          <header className="auth-header">
            <h1 id={`${testId}-title`}>{title}</h1>
            {subtitle && <p className="auth-subtitle">{subtitle}</p>}
          </header>
          {children}
        </section>
        {footer && <div className="auth-footer">{footer}</div>}
        <p className="auth-local-note">
          <HardDrive size={14} aria-hidden />
          Your profiles, chats and tasks stay on this computer.
        </p>
      </div>
    </main>
  );
}
