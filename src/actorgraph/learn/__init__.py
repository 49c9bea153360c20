"""Learn: annotated texts (NAME.txt + NAME.gold.yaml) become a checked corpus, scores with the
reference scorer's rules (`actorgraph eval`) and the shipped relation model (`actorgraph train`)."""
