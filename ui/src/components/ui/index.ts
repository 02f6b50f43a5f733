export { Button, IconButton, type ButtonProps } from "./Button";
export { Dialog, type DialogProps } from "./Dialog";
export { Alert, Avatar, Badge, Card, EmptyState, Kbd, Spinner, initials } from "./display";
export { CopyButton } from "./CopyButton";
export {
  Checkbox,
  Select,
  SelectField,
  TextAreaField,
  TextField,
  type SelectOption,
} from "./fields";
export { MenuButton, type MenuItem } from "./Menu";
export { SegmentedControl, TabPanel, Tabs, type TabItem } from "./Tabs";
export { Toast, type ToastProps } from "./Toast";
