export type Platform = 'wecom' | 'dingtalk' | 'slack';
export const PLATFORMS: readonly Platform[] = ['wecom', 'dingtalk', 'slack'];
