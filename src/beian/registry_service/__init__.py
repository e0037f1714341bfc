"""The authority side of filing: ``beian registry serve`` receives dossiers, checks them,
lets reviewers return or accept them, issues numbers and publishes the list."""
