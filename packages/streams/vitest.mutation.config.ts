import { mutationConfig, selectedGroup } from '../../vitest.mutation';
import { groups } from './mutation-groups.mjs';

export default mutationConfig({ packageName: 'streams', include: selectedGroup(groups).include });
