/**
 * The page image beside the text, with its word boxes, and for a document a strip of page thumbnails to choose the
 * page shown. Page images come from `GET /result/{id}/pages/{page}` (fetched with the key), which renders the
 * task's searchable PDF: at full size, in the pixels the page's word boxes are measured in.
 */
import { apiObjectUrl } from './api.js';
import { drawBoxes, type ViewPage } from './result-view.js';

/** Thumbnails are asked for this many pixels wide: sharp at their size on the page, on a screen of double density. */
const THUMBNAIL_WIDTH = 192;

/**
 * A page without word boxes (a text layer's) is asked for this wide, where a page with boxes comes in the pixels they
 * are measured in: a page of text rendered at 300 dpi would be four times the pixels for nothing.
 */
const UNBOXED_WIDTH = 1200;

export interface PageViewParts {
  figure: HTMLElement;
  image: HTMLImageElement;
  boxes: SVGSVGElement;
  caption: HTMLElement;
  thumbnails: HTMLElement;
  /** The text element, scrolled to the page shown. */
  text: HTMLElement;
}

export interface PageViewOptions {
  taskId: string;
  pages: readonly ViewPage[];
  isDocument: boolean;
  /** Whether the server can render the task's pages (it has a searchable PDF). */
  pageImages: boolean;
  /** An image's own preview (the chosen file), shown rather than a rendered page while the browser can show it. */
  upload?: string;
}

export interface PageView {
  /** Shows the page with its boxes, and scrolls the text to it. */
  select(page: number): void;
}

const pageImagePath = (taskId: string, page: number, width?: number) =>
  `/result/${encodeURIComponent(taskId)}/pages/${page}${width ? `?width=${width}` : ''}`;

/** Loads each thumbnail once it is scrolled near: a long document asks for the pages a person looks at. */
function fillThumbnails(list: HTMLOListElement, taskId: string, pages: readonly ViewPage[], select: (page: number) => void): void {
  const observer = new IntersectionObserver(
    (entries) => {
      for (const { isIntersecting, target } of entries) {
        if (!isIntersecting) continue;
        observer.unobserve(target);
        const image = target as HTMLImageElement;
        apiObjectUrl(pageImagePath(taskId, Number(image.dataset.page), THUMBNAIL_WIDTH)).then(
          (url) => (image.src = url),
          () => image.classList.add('unavailable'),
        );
      }
    },
    { rootMargin: '200px' },
  );
  list.replaceChildren(
    ...pages.map(({ page }) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.page = String(page);
      button.setAttribute('aria-label', `Show page ${page}`);
      const image = document.createElement('img');
      image.alt = `Page ${page}`;
      image.dataset.page = String(page);
      const label = document.createElement('span');
      label.textContent = String(page);
      button.append(image, label);
      button.addEventListener('click', () => select(page));
      item.append(button);
      observer.observe(image);
      return item;
    }),
  );
}

/** Sets up the page image (and the thumbnails of a document) and shows the first page. */
export function createPageView(parts: PageViewParts, options: PageViewOptions): PageView {
  const { figure, image, boxes, caption, thumbnails, text } = parts;
  const { taskId, pages, isDocument, pageImages } = options;
  let { upload } = options;
  const fullSize = new Map<number, Promise<string>>();
  /** The page last chosen: a page image that arrives after another was chosen is not shown. */
  let chosen: ViewPage | undefined;
  /** The page whose image is in the `<img>`: its boxes are drawn once the image has loaded. */
  let shown: ViewPage | undefined;
  image.addEventListener('load', () => shown && drawBoxes(boxes, image.naturalWidth, image.naturalHeight, shown));

  const fetchFullSize = ({ page, words }: ViewPage) => {
    const url = apiObjectUrl(pageImagePath(taskId, page, words.length === 0 ? UNBOXED_WIDTH : undefined));
    fullSize.set(page, url);
    url.catch(() => fullSize.delete(page));
    return url;
  };
  const show = async (page: ViewPage): Promise<void> => {
    const url = upload ?? (await (fullSize.get(page.page) ?? fetchFullSize(page)));
    if (chosen !== page) return;
    shown = page;
    if (isDocument) image.alt = `Page ${page.page}`;
    // The chosen file may have loaded already, while the task ran.
    if (image.src === url && image.complete && image.naturalWidth > 0) drawBoxes(boxes, image.naturalWidth, image.naturalHeight, page);
    else image.src = url;
  };

  const select = (number: number) => {
    const page = pages.find((each) => each.page === number);
    if (!page || (!pageImages && !upload)) return;
    chosen = page;
    figure.hidden = false;
    boxes.replaceChildren();
    for (const button of thumbnails.querySelectorAll<HTMLElement>('button[data-page]')) {
      if (button.dataset.page === String(number)) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
    }
    if (isDocument) {
      caption.textContent = `Page ${number} of ${pages.length}`;
      const section = text.querySelector<HTMLElement>(`.text-page[data-page="${number}"]`);
      // The text box is the sections' offset parent (it is positioned).
      if (section) text.scrollTop = section.offsetTop;
    }
    show(page).catch((error: unknown) => {
      if (chosen !== page) return;
      // Not the page shown before under this page's name.
      shown = undefined;
      image.removeAttribute('src');
      caption.hidden = false;
      caption.textContent = `Page ${number} cannot be shown: ${error instanceof Error ? error.message : String(error)}`;
    });
  };

  caption.hidden = !isDocument;
  if (isDocument && pageImages) {
    fillThumbnails(thumbnails.querySelector('ol')!, taskId, pages, select);
    thumbnails.hidden = false;
  }
  // A type the browser cannot show (TIFF, PBM): the server renders it when it can, or the text goes alone.
  const uploadUnreadable = () => {
    upload = undefined;
    if (pageImages && pages[0]) select(pages[0].page);
    else figure.hidden = true;
  };
  if (upload && image.src === upload && image.complete && image.naturalWidth === 0) upload = undefined;
  else if (upload) image.addEventListener('error', uploadUnreadable, { once: true });
  if (!pageImages && !upload) figure.hidden = true;
  else if (pages[0]) select(pages[0].page);
  return { select };
}
