import { mutationConfig, selectedGroup } from '../../vitest.mutation';
import { groups } from './mutation-groups.mjs';

export default mutationConfig({ packageName: 'core', include: selectedGroup(groups).include });
