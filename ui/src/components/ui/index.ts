export { Button, IconButton, type ButtonProps } from "./Button";
export { Dialog, type DialogProps } from "./Dialog";
export { Alert, Avatar, Badge, Card, EmptyState, Kbd, Spinner, initials } from "./display";
export { Checkbox, Select, SelectField, TextField, type SelectOption } from "./fields";
export { SegmentedControl, TabPanel, Tabs, type TabItem } from "./Tabs";
export { Toast, type ToastProps } from "./Toast";
