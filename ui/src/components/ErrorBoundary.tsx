import { Component, type ErrorInfo, type ReactNode } from "react";

type State = { failed: boolean };

/** Last line of defence: a rendering bug shows a calm message instead of a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("UI error", error, info.componentStack);
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="fatal" role="alert" data-testid="error-boundary">
        <h1>Something went wrong</h1>
        <p>This window ran into a problem. Your data is safe on this computer.</p>
        <button
          type="button"
          className="btn btn-primary btn-md"
          onClick={() => window.location.reload()}
        >
          Reload the window
        </button>
      </div>
    );
  }
}
