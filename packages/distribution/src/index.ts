export { packAll } from './pack-all.ts';
export {
  distributionFolder,
  type PublicPackage,
  publicPackages,
  repositoryRoot,
  tarballName,
} from './public-packages.ts';
