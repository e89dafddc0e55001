/**
 * Ends an interaction with its result, as oidc-provider's interactionResult()
 * does (result, then save for what is left of its lifetime, then its
 * returnTo), but on the interaction this request already loaded
 * (loadInteraction): interactionResult() would find it in the store again,
 * one store read and one model more per sign-in.
 */
import type { InteractionResults } from 'oidc-provider';
import type { Interaction } from './load.js';

/** The result as given, or merged over the last submission (a consent after a login), as interactionResult's mergeWithLastSubmission. */
export async function finishInteraction(
  interaction: Interaction,
  result: InteractionResults,
  { mergeWithLastSubmission }: { mergeWithLastSubmission: boolean },
): Promise<string> {
  interaction.result = mergeWithLastSubmission && !('error' in result) ? { ...interaction.lastSubmission, ...result } : result;
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  return interaction.returnTo;
}
