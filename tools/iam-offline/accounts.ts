/** The accounts the offline tools play: the seed walkthrough's two, and a third that is neither. */
export { DESTINATION_ACCOUNT, REGION, SOURCE_ACCOUNT } from '../../examples/seed-walkthrough';

/** An account of no side of the walkthrough: outsiders, and a task of another account. */
export const OTHER_ACCOUNT = '444455556666';
