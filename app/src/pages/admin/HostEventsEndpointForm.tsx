// Add an endpoint (POST /api/admin/event-endpoints): its URL, the event types it wants (none
// checked: all of them) and a note. The answer carries the signing secret, shown here once.
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Field } from "./Field.tsx";
import { HostEventsSecret } from "./HostEventsSecret.tsx";
import { useCreateEventEndpoint } from "./queries.ts";
import { formErrors } from "./server-errors.ts";
import { type HostEventType, hostEventTypes } from "./types.ts";

/** The typed URL as the server accepts it (http or https, at most 2048 characters), or null. */
export function endpointUrl(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 2048) return null;
  try {
    const url = new URL(trimmed);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname ? trimmed : null;
  } catch {
    return null;
  }
}

export function HostEventsEndpointForm() {
  const { t } = useTranslation("admin");
  const create = useCreateEventEndpoint();
  const [url, setUrl] = useState("");
  const [types, setTypes] = useState<ReadonlySet<HostEventType>>(new Set());
  const [description, setDescription] = useState("");
  const [urlError, setUrlError] = useState<string | null>(null);
  const server = formErrors(create.error);

  function toggle(type: HostEventType) {
    setTypes((current) => {
      const next = new Set(current);
      if (next.has(type)) next.delete(type);
      else next.add(type);
      return next;
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const valid = endpointUrl(url);
    setUrlError(valid ? null : t("events.form.urlInvalid"));
    if (!valid) return;
    const note = description.trim();
    create.mutate(
      {
        url: valid,
        eventTypes: hostEventTypes.filter((type) => types.has(type)),
        ...(note ? { description: note } : {}),
      },
      {
        onSuccess: () => {
          setUrl("");
          setTypes(new Set());
          setDescription("");
        },
      },
    );
  }

  return (
    <>
      <form
        className="admin-form event-endpoint-form"
        onSubmit={submit}
        noValidate
        aria-labelledby="admin-event-endpoint-form"
      >
        <h3 id="admin-event-endpoint-form" className="admin-form-actions">
          {t("events.form.title")}
        </h3>
        <Field label={t("events.form.url")} hint={t("events.form.urlHint")} error={urlError ?? server.fields.url}>
          {(props) => (
            <input
              {...props}
              type="url"
              inputMode="url"
              className="mono"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              placeholder="https://"
              spellCheck={false}
              autoComplete="off"
              maxLength={2048}
            />
          )}
        </Field>
        <Field
          label={t("events.form.description")}
          hint={t("events.form.descriptionHint")}
          error={server.fields.description}
        >
          {(props) => (
            <input
              {...props}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
              maxLength={200}
              autoComplete="off"
            />
          )}
        </Field>
        <fieldset className="event-types" aria-describedby="admin-event-types-hint">
          <legend>{t("events.form.types")}</legend>
          <small id="admin-event-types-hint" className="hint">
            {t("events.form.typesHint")}
          </small>
          {server.fields.eventTypes && <small className="field-error">{server.fields.eventTypes}</small>}
          {hostEventTypes.map((type) => (
            <label key={type} className="event-type-choice">
              <input type="checkbox" checked={types.has(type)} onChange={() => toggle(type)} />
              <span>
                <span className="mono">{type}</span> <span className="hint">{t(`events.type.${type}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="admin-form-actions">
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? t("events.form.saving") : t("events.form.submit")}
          </button>
        </div>
        <div className="admin-form-actions" aria-live="polite">
          {server.form && (
            <p className="field-error" role="alert">
              {server.form}
            </p>
          )}
        </div>
      </form>
      {create.isSuccess && (
        <HostEventsSecret key={create.data.id} endpoint={create.data} onDone={() => create.reset()} />
      )}
    </>
  );
}
