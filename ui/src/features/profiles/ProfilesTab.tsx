import { useState, type FormEvent } from "react";
import { KeyRound, Plus, ShieldCheck } from "lucide-react";
import {
  Alert,
  Avatar,
  Badge,
  Button,
  Dialog,
  EmptyState,
  IconButton,
  SelectField,
  Spinner,
  TextField,
} from "../../components/ui";
import { formErrors, formValue } from "../../lib/forms";
import { isAppError } from "../../lib/ipc";
import { ROLE_LABELS, type SessionInfo } from "../auth/api";
import { PASSWORD_HINT, USERNAME_HINT } from "../auth/RegisterPage";
import { RecoveryKeyDialog } from "../auth/RecoveryKeyDialog";
import {
  useCreateProfile,
  useProfiles,
  useResetProfilePassword,
  useSetProfileDisabled,
  useSetProfileRole,
  type Profile,
  type ProfileCreated,
} from "./api";

const ROLE_OPTIONS = [
  { value: "member", label: ROLE_LABELS.member },
  { value: "admin", label: ROLE_LABELS.admin },
] as const;

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

function LastLogin({ value }: { value: string | null }) {
  if (!value) return <>Never</>;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <>{value}</>;
  return (
    <time dateTime={value} title={fullFormat.format(date)}>
      {dayFormat.format(date)}
    </time>
  );
}

function AdminsOnly() {
  return (
    <EmptyState icon={<ShieldCheck size={22} />} title="Only administrators can manage profiles">
      Ask an administrator of this computer to add profiles, reset passwords or change roles.
    </EmptyState>
  );
}

/** Administration of every profile on this computer. */
export function ProfilesTab({ session }: { session: SessionInfo }) {
  const isAdmin = session.profile.role === "admin";
  const profiles = useProfiles(isAdmin);
  const setRole = useSetProfileRole();
  const setDisabled = useSetProfileDisabled();
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ProfileCreated | null>(null);
  const [resetting, setResetting] = useState<Profile | null>(null);

  if (!isAdmin || isAppError(profiles.error, "Forbidden")) return <AdminsOnly />;

  const action = { onError: setActionError };
  const startAction = () => {
    setActionError(null);
    setNotice(null);
  };
  const errorMessage = formErrors(actionError ?? profiles.error, []).form;

  return (
    <div className="settings-profiles" data-testid="settings-profiles">
      <div className="section-header">
        <div>
          <h2>Profiles on this computer</h2>
          <p className="muted">
            Everyone gets their own private chats, agents and tasks. Administrators can manage
            profiles.
          </p>
        </div>
        <Button
          variant="primary"
          icon={<Plus size={16} />}
          onClick={() => {
            startAction();
            setCreating(true);
          }}
          data-testid="profiles-create"
        >
          New profile
        </Button>
      </div>

      {errorMessage && <Alert tone="error">{errorMessage}</Alert>}
      {notice && <Alert tone="success">{notice}</Alert>}

      {profiles.isPending ? (
        <div className="centered-block">
          <Spinner size={20} label="Loading profiles" />
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Profile</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last login</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(profiles.data ?? []).map((profile) => {
                const isSelf = profile.id === session.profile.id;
                return (
                  <tr key={profile.id} data-testid={`profile-row-${profile.username}`}>
                    <td>
                      <div className="profile-cell">
                        <Avatar name={profile.displayName} size="sm" />
                        <div>
                          <div className="profile-name">
                            {profile.displayName}
                            {isSelf && <Badge>You</Badge>}
                          </div>
                          <div className="muted small">@{profile.username}</div>
                        </div>
                      </div>
                    </td>
                    <td>
                      <Badge tone={profile.role === "admin" ? "accent" : "neutral"}>
                        {ROLE_LABELS[profile.role]}
                      </Badge>
                    </td>
                    <td>
                      {profile.disabled ? (
                        <Badge tone="warning">Disabled</Badge>
                      ) : (
                        <Badge tone="success">Active</Badge>
                      )}
                    </td>
                    <td className="muted small nowrap">
                      <LastLogin value={profile.lastLoginAt} />
                    </td>
                    <td>
                      <div className="row-actions">
                        <Button
                          size="sm"
                          variant="ghost"
                          disabled={setRole.isPending}
                          onClick={() => {
                            startAction();
                            setRole.mutate(
                              {
                                profileId: profile.id,
                                role: profile.role === "admin" ? "member" : "admin",
                              },
                              action,
                            );
                          }}
                          data-testid={`profile-role-${profile.username}`}
                        >
                          {profile.role === "admin" ? "Make member" : "Make admin"}
                        </Button>
                        <IconButton
                          label={`Reset password of ${profile.displayName}`}
                          onClick={() => {
                            startAction();
                            setResetting(profile);
                          }}
                          data-testid={`profile-reset-${profile.username}`}
                        >
                          <KeyRound size={15} />
                        </IconButton>
                        <Button
                          size="sm"
                          variant={profile.disabled ? "ghost" : "danger"}
                          disabled={setDisabled.isPending}
                          onClick={() => {
                            startAction();
                            setDisabled.mutate(
                              { profileId: profile.id, disabled: !profile.disabled },
                              action,
                            );
                          }}
                          data-testid={`profile-toggle-${profile.username}`}
                        >
                          {profile.disabled ? "Enable" : "Disable"}
                        </Button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <CreateProfileDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(result) => {
          setCreating(false);
          setCreated(result);
        }}
      />
      <ResetPasswordDialog
        profile={resetting}
        onClose={() => setResetting(null)}
        onDone={(profile) => {
          setResetting(null);
          setNotice(`The password of ${profile.displayName} was reset.`);
        }}
      />
      <RecoveryKeyDialog
        recoveryKey={created?.recoveryKey ?? null}
        owner={created?.profile.displayName}
        continueLabel="Done"
        onContinue={() => {
          if (created) setNotice(`${created.profile.displayName} can now log in.`);
          setCreated(null);
        }}
      />
    </div>
  );
}

const CREATE_FIELDS = ["username", "displayName", "password", "role"] as const;

function CreateProfileDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (created: ProfileCreated) => void;
}) {
  const create = useCreateProfile();
  const errors = formErrors(create.error, CREATE_FIELDS);

  const close = () => {
    create.reset();
    onClose();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    create.mutate(
      {
        username: formValue(form, "username").trim(),
        displayName: formValue(form, "displayName").trim(),
        password: formValue(form, "password"),
        role: formValue(form, "role") === "admin" ? "admin" : "member",
      },
      {
        onSuccess: (result) => {
          create.reset();
          onCreated(result);
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New profile"
      description="Creates a profile for someone else on this computer. You'll get their recovery key to pass on."
      testId="profile-create-dialog"
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {errors.form && <Alert tone="error">{errors.form}</Alert>}
        <TextField
          label="Username"
          name="username"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={32}
          autoFocus
          hint={USERNAME_HINT}
          error={errors.fields.username}
        />
        <TextField
          label="Display name"
          name="displayName"
          maxLength={64}
          error={errors.fields.displayName}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          error={errors.fields.password}
        />
        <SelectField
          label="Role"
          name="role"
          defaultValue="member"
          options={ROLE_OPTIONS}
          error={errors.fields.role}
        />
        <div className="form-actions">
          <Button onClick={close}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            loading={create.isPending}
            data-testid="profile-create-submit"
          >
            Create profile
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function ResetPasswordDialog({
  profile,
  onClose,
  onDone,
}: {
  profile: Profile | null;
  onClose: () => void;
  onDone: (profile: Profile) => void;
}) {
  const reset = useResetProfilePassword();
  const errors = formErrors(reset.error, ["newPassword"]);

  const close = () => {
    reset.reset();
    onClose();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!profile) return;
    reset.mutate(
      { profileId: profile.id, newPassword: formValue(event.currentTarget, "newPassword") },
      {
        onSuccess: () => {
          reset.reset();
          onDone(profile);
        },
      },
    );
  };

  return (
    <Dialog
      open={profile !== null}
      onClose={close}
      title={`Reset password of ${profile?.displayName ?? ""}`}
      description="Tell them the new password; they can change it in Settings after logging in."
      testId="profile-reset-dialog"
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {errors.form && <Alert tone="error">{errors.form}</Alert>}
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          autoFocus
          hint={PASSWORD_HINT}
          error={errors.fields.newPassword}
        />
        <div className="form-actions">
          <Button onClick={close}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            loading={reset.isPending}
            data-testid="profile-reset-submit"
          >
            Reset password
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
