/**
 * platform: the administration of people and keys (ADR 0005, 0019). Each admin action records an event in the same
 * transaction as its change, with the admin as its actor, so GET /audit shows who made, disabled or re-granted a user,
 * reset a password, made or revoked an API key. Nothing subscribes to them: they are the audit trail. Never a secret.
 */
import { Type } from 'typebox';
import { List } from '../bus/published-language.ts';

export const PlatformEvents = {
  userCreated: 'platform.user.created.v1',
  userDisabled: 'platform.user.disabled.v1',
  grantChanged: 'platform.user.grant-changed.v1',
  passwordReset: 'platform.user.password-reset.v1',
  apiKeyCreated: 'platform.api-key.created.v1',
  apiKeyRevoked: 'platform.api-key.revoked.v1',
} as const;

const Role = Type.String({ description: 'admin, manager, operator, viewer or integration' });

/** The payload of every platform event, by type name; the description says when it is emitted. */
export const PlatformEventSchemas = {
  [PlatformEvents.userCreated]: Type.Object({
    userId: Type.String(), username: Type.String(), workerId: Type.String({ description: 'Who the person acts as on the floor' }),
    grants: List(Type.Object({ siteId: Type.String({ description: 'A site id, or * for every site' }), role: Role })),
  }, { description: 'An admin made a user (POST /users); its password is never in the event.' }),
  [PlatformEvents.userDisabled]: Type.Object({
    userId: Type.String(), username: Type.String(),
  }, { description: 'An admin disabled a user (POST /users/{id}/disable): its sessions ended.' }),
  [PlatformEvents.grantChanged]: Type.Object({
    userId: Type.String(), siteId: Type.String({ description: 'A site id, or * for every site' }),
    role: Type.Union([Role, Type.Null()], { description: 'The role given at the site; null when the grant was taken away' }),
  }, { description: 'An admin gave a user a role at a site (POST /users/{id}/grants) or took its grant there away (DELETE /users/{id}/grants/{site}).' }),
  [PlatformEvents.passwordReset]: Type.Object({
    userId: Type.String(),
  }, { description: 'An admin set a user\'s password (POST /users/{id}/password): every session of the user ended. Never the password.' }),
  [PlatformEvents.apiKeyCreated]: Type.Object({
    keyId: Type.String(), name: Type.String(), role: Role,
    siteIds: Type.Union([List(Type.String()), Type.Null()], { description: 'The sites it is limited to; null for every site' }),
    ownerId: Type.Union([Type.String(), Type.Null()], { description: 'The owner it is scoped to (ADR 0028); null for none' }),
  }, { description: 'An admin made an API key (POST /api-keys). Never the key itself.' }),
  [PlatformEvents.apiKeyRevoked]: Type.Object({
    keyId: Type.String(),
  }, { description: 'An admin revoked an API key (POST /api-keys/{id}/revoke): it stopped working.' }),
};
